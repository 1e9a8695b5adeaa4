"""Hours, partner funds, the ledger, statements and payments, and the fake provider's records."""

from payments_stub.models.billing import BillingRun, Payment, Statement
from payments_stub.models.funds import FundMembership, PartnerFund
from payments_stub.models.hours import HoursEvent, HoursLog
from payments_stub.models.ledger import Account, Entry, LedgerTransaction
from payments_stub.models.provider import ProviderCall, ProviderFault, ProviderOperation

__all__ = [
    "Account",
    "BillingRun",
    "Entry",
    "FundMembership",
    "HoursEvent",
    "HoursLog",
    "LedgerTransaction",
    "PartnerFund",
    "Payment",
    "ProviderCall",
    "ProviderFault",
    "ProviderOperation",
    "Statement",
]
