"""The CollectionCase aggregate: one per overdue loan, composed of its state and its commands by concept.

How each event changes the case is in state.py; the commands that guard the rules and trigger the
events are in judgement.py, lifecycle.py, strategy.py, contacts.py, commitments.py, collaboration.py and legal.py.
"""

from __future__ import annotations

from domain.case.arrears import ArrearsCommands
from domain.case.business_time import BusinessTime
from domain.case.collaboration import CollaborationCommands
from domain.case.commitments import CommitmentCommands
from domain.case.contacts import ContactCommands
from domain.case.judgement import JudgementCommands
from domain.case.legal import LegalCommands
from domain.case.lifecycle import LifecycleCommands
from domain.case.loan_acts import LoanActs
from domain.case.strategy import StrategyCommands
from domain.case.suspension import SuspensionCommands


class CollectionCase(
    BusinessTime,
    JudgementCommands,
    LifecycleCommands,
    StrategyCommands,
    ContactCommands,
    CommitmentCommands,
    CollaborationCommands,
    LoanActs,
    ArrearsCommands,
    SuspensionCommands,
    LegalCommands,
):
    """An overdue loan being collected: every contact, commitment and payment is an event."""
