"""The default profile `bbb`: a Better Business Bureau style complaint process."""

from __future__ import annotations

from .errors import InvalidInput
from .profile import DeadlineRule, Profile
from .rules import CLOCK, Rule, RuleTable

AWAITING_BUSINESS = ("received", "awaiting_business", "second_notice")
AWAITING_CONSUMER = ("awaiting_consumer", "awaiting_consumer_second")

SECOND_RESPONSE = ("on_request", "always")
"""After a first rejection the bureau may request a second business response (`on_request`, the BBB's
"may request"), or the rejection always goes back to the business (`always`)."""


STATES = (
    "received",
    "awaiting_business",
    "second_notice",
    "awaiting_consumer",
    "awaiting_bureau",
    "awaiting_business_second",
    "awaiting_consumer_second",
    "under_review",
    "declined",
    "resolved",
    "unresolved",
    "answered",
    "unanswered",
    "unpursuable",
)
FIRST_ROUND = (
    Rule("forwarded", "received", "awaiting_business"),
    Rule("declined", "received", "declined"),
    *(Rule("unlocatable", state, "unpursuable") for state in AWAITING_BUSINESS),
    *(Rule("responded", state, "awaiting_consumer") for state in AWAITING_BUSINESS),
    Rule("response_deadline_lapsed", "awaiting_business", "second_notice"),
    Rule("second_notice_lapsed", "second_notice", "unanswered"),
    Rule("responded", "unanswered", "awaiting_consumer", recorded_as="reopened"),
    *(Rule("accepted", state, "resolved") for state in AWAITING_CONSUMER),
    *(Rule("reply_deadline_lapsed", state, "answered") for state in AWAITING_CONSUMER),
)
BUREAU_DECIDES = (
    Rule("rejected", "awaiting_consumer", "awaiting_bureau"),
    Rule("second_response_requested", "awaiting_bureau", "awaiting_business_second"),
    Rule("responded", "awaiting_bureau", "awaiting_consumer_second"),
    Rule("reviewed", "awaiting_bureau", "answered", guard="good_faith"),
    Rule("reviewed", "awaiting_bureau", "unresolved", guard="not good_faith"),
    Rule("review_deadline_lapsed", "awaiting_bureau", "answered"),
)
"""`on_request`: a first rejection waits for the bureau, which may request a second response or decide."""
SECOND_ROUND = (
    Rule("responded", "awaiting_business_second", "awaiting_consumer_second"),
    Rule("second_response_deadline_lapsed", "awaiting_business_second", "under_review"),
    Rule("rejected", "awaiting_consumer_second", "under_review"),
    Rule("reviewed", "under_review", "answered", guard="good_faith"),
    Rule("reviewed", "under_review", "unresolved", guard="not good_faith"),
    Rule("review_deadline_lapsed", "under_review", "answered"),
    Rule("accepted", "answered", "resolved", recorded_as="accepted_late"),
    Rule("rejected", "answered", "under_review", recorded_as="rejected_late"),
)
"""The second round, the staff decision, and the consumer's late replies after an Answered closing."""
ACTORS = {
    "forwarded": "bureau",
    "declined": "bureau",
    "unlocatable": "bureau",
    "reviewed": "bureau",
    "second_response_requested": "bureau",
    "responded": "business",
    "accepted": "consumer",
    "rejected": "consumer",
    **dict.fromkeys(
        (
            "response_deadline_lapsed",
            "second_notice_lapsed",
            "reply_deadline_lapsed",
            "second_response_deadline_lapsed",
            "review_deadline_lapsed",
        ),
        CLOCK,
    ),
}
CLOSING = {
    "resolved": "Resolved",
    "unresolved": "Unresolved",
    "answered": "Answered",
    "unanswered": "Unanswered",
    "unpursuable": "Unpursuable",
}


def rules(second_response: str = "on_request") -> RuleTable:
    """The bbb rule table; `second_response` says what a first rejection does (see SECOND_RESPONSE)."""
    if second_response not in SECOND_RESPONSE:
        raise InvalidInput(f"second_response must be one of {', '.join(SECOND_RESPONSE)}, not {second_response!r}")
    on_request = second_response == "on_request"
    first_rejection = (
        BUREAU_DECIDES if on_request else (Rule("rejected", "awaiting_consumer", "awaiting_business_second"),)
    )
    return RuleTable(
        states=tuple(s for s in STATES if on_request or s != "awaiting_bureau"),
        initial="received",
        rules=(*FIRST_ROUND, *first_rejection, *SECOND_ROUND),
        actors={e: a for e, a in ACTORS.items() if on_request or e != "second_response_requested"},
        closing=CLOSING,
        unpublished=frozenset({"declined"}),
        vocabulary="status",
        confirmed=frozenset({"resolved"}),
    )


RULES = rules()

BBB = Profile(
    name="bbb",
    title="Better Business Bureau style complaint",
    rules=RULES,
    deadlines=(
        DeadlineRule("received", "forwarding", "forwarded", 2, business_days=True),
        DeadlineRule("awaiting_business", "response", "response_deadline_lapsed", 14, counted_from="received"),
        # 21, not 14: the published record shows a business answering on day 33 with no re-opening, and
        # "most complaints close within about 30 days"; a second window to day 35 closes none before that.
        DeadlineRule("second_notice", "second_notice", "second_notice_lapsed", 21),
        DeadlineRule("awaiting_consumer", "reply", "reply_deadline_lapsed", 14),
        DeadlineRule("awaiting_bureau", "decision", "review_deadline_lapsed", 14),
        DeadlineRule("awaiting_business_second", "second_response", "second_response_deadline_lapsed", 14),
        DeadlineRule("awaiting_consumer_second", "second_reply", "reply_deadline_lapsed", 14),
        DeadlineRule("under_review", "review", "review_deadline_lapsed", 14),
    ),
    complaint_types=(
        "Product Issues",
        "Service or Repair Issues",
        "Order Issues",
        "Billing Issues",
        "Customer Service Issues",
        "Delivery Issues",
        "Advertising/Sales Issues",
        "Guarantee/Warranty Issues",
    ),
    country="US",
    timezone="America/New_York",
    options={"second_response": "on_request"},
    table=rules,
)
