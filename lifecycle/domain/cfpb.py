"""The profile `cfpb`: a financial regulator's lifecycle, as the US CFPB runs and publishes it."""

from __future__ import annotations

from datetime import date

from .profile import DeadlineRule, Profile
from .rules import CLOCK, Rule, RuleTable

CLOSINGS = {
    "closed_with_explanation": "Closed with explanation",
    "closed_with_monetary_relief": "Closed with monetary relief",
    "closed_with_non_monetary_relief": "Closed with non-monetary relief",
    "closed": "Closed",
    "closed_with_relief": "Closed with relief",
    "closed_without_relief": "Closed without relief",
}
"""The company's closing responses (the last two only in 2011-2012 data), each published as itself.

The CFPB publishes what the company reported; none of them says the consumer confirmed anything, so
no cfpb complaint is ever shown in the BBB's statuses (Resolved, Answered, ...)."""
UNTIMELY = "Untimely response"

TIMELY = (("timely", True),)
LATE = (("timely", False),)

RULES = RuleTable(
    states=("received", "sent", "in_progress", "untimely_response", "routed", *CLOSINGS),
    initial="received",
    rules=(
        Rule("sent", "received", "sent"),
        Rule("routed", "received", "routed"),
        Rule("in_progress", "sent", "in_progress", marks=TIMELY),
        Rule("in_progress", "untimely_response", "in_progress", marks=LATE),
        *(Rule(closing, "sent", closing, marks=TIMELY) for closing in CLOSINGS),
        *(Rule(closing, "in_progress", closing) for closing in CLOSINGS),
        *(Rule(closing, "untimely_response", closing, marks=LATE) for closing in CLOSINGS),
        Rule("response_deadline_lapsed", "sent", "untimely_response"),
        Rule("overdue", "in_progress", "in_progress"),
        *(Rule("disputed", closing, closing) for closing in CLOSINGS),
    ),
    actors={
        "sent": "bureau",
        "routed": "bureau",
        "in_progress": "business",
        **dict.fromkeys(CLOSINGS, "business"),
        "disputed": "consumer",
        "response_deadline_lapsed": CLOCK,
        "overdue": CLOCK,
    },
    closing={**CLOSINGS, "untimely_response": UNTIMELY},
    unpublished=frozenset({"routed"}),
    labels={**CLOSINGS, "untimely_response": UNTIMELY},
    vocabulary="company response",
)

CFPB = Profile(
    name="cfpb",
    title="Financial regulator (CFPB style) complaint",
    rules=RULES,
    deadlines=(
        DeadlineRule("sent", "response", "response_deadline_lapsed", 15),
        # 60 days is an expectation: a missed one flags the complaint (it may be prioritised for review);
        # it changes neither the published response nor the timely flag.
        DeadlineRule("in_progress", "final_response", "overdue", 60, counted_from="sent", flags=True),
    ),
    complaint_types=(),  # the bureau's product list changes over the years: any product is taken
    country="US",
    timezone="America/New_York",
    responses=frozenset({"in_progress", *CLOSINGS}),
    withdrawn=(("disputed", date(2017, 4, 24)),),
)
