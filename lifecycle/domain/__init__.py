"""The domain: rule tables, profiles and the Complaint aggregate; no I/O."""
