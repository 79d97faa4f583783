"""Parties have roles with their own contact rules, on both stores: a third party may not be told of the debt; a
guarantor of the loan may be contacted about its guarantee, and not once released; someone the enterprise lists as
a guarantor who does not guarantee this loan is a third party to it. Each contact records the role it reached."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from application.bootstrap import Container
from application.commands import AddContactPerson, LogContact, RecordGuarantee, ReleaseGuarantee
from domain.case.events import ContactEvent
from domain.case.values import Channel, ContactOutcome, GuaranteeType
from domain.enterprise.values import ContactPerson, PartyRole
from tests.factories import COLLECTOR, SUPERVISOR, open_case


def add_person(container: Container, case_id: UUID, name: str, role: PartyRole) -> None:
    enterprise_id = container.app.get_case(case_id).enterprise_id
    person = ContactPerson(name=name, phone="+86 131 0000 0001", party_role=role)
    container.app.handle(AddContactPerson(enterprise_id=enterprise_id, person=person, actor=COLLECTOR))


def call(
    container: Container, case_id: UUID, party: str, channel: Channel = Channel.SMS, **fields: Any
) -> ContactEvent:
    """A contact with ``party`` (an SMS unless said: the daily limit of connected calls plays no part)."""
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=channel,
            party=party,
            outcome=ContactOutcome.CONNECTED if channel is Channel.PHONE else ContactOutcome.DELIVERED,
            actor=COLLECTOR,
            **fields,
        )
    )
    return next(e for e in reversed(container.app.case_events(case_id)) if isinstance(e, ContactEvent))


def rules_against(container: Container, case_id: UUID, party: str) -> list[str]:
    check = container.app.contact_check(case_id, channel=Channel.EMAIL, party=party, at=container.clock.now())
    return [v.rule_id for v in check.violations]


def test_each_role_is_judged_by_its_rules(container: Container) -> None:
    case_id = open_case(container.app)
    add_person(container, case_id, "Chen Cfo", PartyRole.FINANCE_CONTACT)
    add_person(container, case_id, "Landlord Wu", PartyRole.THIRD_PARTY)
    add_person(container, case_id, "Guo Other", PartyRole.GUARANTOR)  # guarantees another loan, not this one
    container.app.handle(
        RecordGuarantee(case_id=case_id, guarantor="Sun Hao", guarantee_type=GuaranteeType.JOINT, actor=SUPERVISOR)
    )
    finance = call(container, case_id, "Chen Cfo", Channel.PHONE, recording_id="REC-1")
    assert (finance.party_role, finance.breached_rules, finance.recording_id) == ("finance_contact", [], "REC-1")
    legal_rep = call(container, case_id, "Chen Wei")
    assert legal_rep.party_role == "legal_representative"
    guarantor = call(container, case_id, "Sun Hao")  # not a contact person of the enterprise, yet known as guarantor
    assert (guarantor.party_role, guarantor.breached_rules) == ("guarantor", [])
    assert rules_against(container, case_id, "Landlord Wu") == ["CP-THIRD-PARTY"]  # asked before acting
    assert rules_against(container, case_id, "Sun Hao") == []
    third = call(container, case_id, "Landlord Wu")
    assert (third.party_role, third.breached_rules) == ("third_party", ["CP-THIRD-PARTY"])
    other = call(container, case_id, "Guo Other", Channel.EMAIL)  # a 4th SMS today would break the SMS cap
    assert (other.party_role, other.breached_rules) == ("third_party", ["CP-THIRD-PARTY"])


def test_a_released_guarantor_is_no_longer_to_be_pursued(container: Container) -> None:
    case_id = open_case(container.app)
    guarantee_id = container.app.send(
        RecordGuarantee(
            case_id=case_id,
            guarantor="Sun Hao",
            guarantee_type=GuaranteeType.GENERAL,
            principal_due_on=date(2025, 1, 1),  # its period ended on 2025-07-01
            actor=SUPERVISOR,
        ),
        str,
    )
    container.app.handle(ReleaseGuarantee(case_id=case_id, guarantee_id=guarantee_id, actor=SUPERVISOR))
    assert rules_against(container, case_id, "Sun Hao") == ["CP-GUARANTOR-RELEASED"]
    released = call(container, case_id, "Sun Hao")
    assert released.breached_rules == ["CP-GUARANTOR-RELEASED"]
