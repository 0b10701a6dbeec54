"""The default profile `bbb`: a Better Business Bureau style complaint process."""

from __future__ import annotations

from .profile import DeadlineRule, Profile
from .rules import CLOCK, Rule, RuleTable

AWAITING_BUSINESS = ("received", "awaiting_business", "second_notice")
AWAITING_CONSUMER = ("awaiting_consumer", "awaiting_consumer_second")

RULES = RuleTable(
    states=(
        "received",
        "awaiting_business",
        "second_notice",
        "awaiting_consumer",
        "awaiting_business_second",
        "awaiting_consumer_second",
        "under_review",
        "declined",
        "resolved",
        "unresolved",
        "answered",
        "unanswered",
        "unpursuable",
    ),
    initial="received",
    rules=(
        Rule("forwarded", "received", "awaiting_business"),
        Rule("declined", "received", "declined"),
        *(Rule("unlocatable", state, "unpursuable") for state in AWAITING_BUSINESS),
        *(Rule("responded", state, "awaiting_consumer") for state in AWAITING_BUSINESS),
        Rule("response_deadline_lapsed", "awaiting_business", "second_notice"),
        Rule("second_notice_lapsed", "second_notice", "unanswered"),
        Rule("responded", "unanswered", "awaiting_consumer", recorded_as="reopened"),
        *(Rule("accepted", state, "resolved") for state in AWAITING_CONSUMER),
        *(Rule("reply_deadline_lapsed", state, "answered") for state in AWAITING_CONSUMER),
        Rule("rejected", "awaiting_consumer", "awaiting_business_second"),
        Rule("responded", "awaiting_business_second", "awaiting_consumer_second"),
        Rule("second_response_deadline_lapsed", "awaiting_business_second", "under_review"),
        Rule("rejected", "awaiting_consumer_second", "under_review"),
        Rule("reviewed", "under_review", "answered", guard="good_faith"),
        Rule("reviewed", "under_review", "unresolved", guard="not good_faith"),
        Rule("review_deadline_lapsed", "under_review", "answered"),
    ),
    actors={
        "forwarded": "bureau",
        "declined": "bureau",
        "unlocatable": "bureau",
        "reviewed": "bureau",
        "responded": "business",
        "accepted": "consumer",
        "rejected": "consumer",
        "response_deadline_lapsed": CLOCK,
        "second_notice_lapsed": CLOCK,
        "reply_deadline_lapsed": CLOCK,
        "second_response_deadline_lapsed": CLOCK,
        "review_deadline_lapsed": CLOCK,
    },
    closing={
        "resolved": "Resolved",
        "unresolved": "Unresolved",
        "answered": "Answered",
        "unanswered": "Unanswered",
        "unpursuable": "Unpursuable",
    },
    unpublished=frozenset({"declined"}),
)

BBB = Profile(
    name="bbb",
    title="Better Business Bureau style complaint",
    rules=RULES,
    deadlines=(
        DeadlineRule("received", "forwarding", "forwarded", 2, business_days=True),
        DeadlineRule("awaiting_business", "response", "response_deadline_lapsed", 14, counted_from="received"),
        DeadlineRule("second_notice", "second_notice", "second_notice_lapsed", 14),
        DeadlineRule("awaiting_consumer", "reply", "reply_deadline_lapsed", 14),
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
)
