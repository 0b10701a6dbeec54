"""The report: a view of every step, as-of queries on it, and the figures of a business profile."""
