"""Finding people: by name, pinyin initials, exact ID number or phone."""

from __future__ import annotations

import pytest

from wangge.core.errors import DomainError
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.models import Person
from wangge.registry.selectors import SEARCH_LIMIT, person_search_for
from wangge.registry.services import name_initials


def test_initials() -> None:
    assert name_initials("张三") == "zs"
    assert name_initials("欧阳娜娜") == "oynn"


def test_search_routes(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    person = (
        Person.objects.filter(area_path__contains="/611022109000/").exclude(phone_enc="").first()
    )
    assert person is not None
    full_id = pii.decrypt(keyring(), person.id_enc)
    phone = pii.decrypt(keyring(), person.phone_enc)
    assert person in person_search_for(dispatcher, full_id)
    assert person in person_search_for(dispatcher, full_id.lower())
    assert person in person_search_for(dispatcher, phone)
    assert person in person_search_for(dispatcher, person.name)
    by_initials = person_search_for(dispatcher, person.name_initials)
    assert all(p.name_initials.startswith(person.name_initials) for p in by_initials)
    assert len(by_initials) <= SEARCH_LIMIT
    with pytest.raises(DomainError):
        person_search_for(dispatcher, "   ")


def test_search_cannot_page_through_everyone(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    worker = user_named("wg611022109223001")
    assert len(person_search_for(worker, "a")) <= SEARCH_LIMIT


def test_search_by_address_within_reach(db: None, user_named) -> None:  # type: ignore[no-untyped-def]
    from wangge.registry.models import Membership

    secretary = user_named("sj611022109223")  # 保定村
    found = person_search_for(secretary, "保定村")
    assert found
    assert len(found) <= SEARCH_LIMIT
    for p in found:
        assert Membership.objects.filter(
            person=p, moved_out__isnull=True, household__address_masked__contains="保定村"
        ).exists()
    # Another village's address finds nobody for this secretary.
    other = Membership.objects.exclude(household__address_masked__contains="保定村").first()
    assert other is not None
    village = other.household.address_masked.split("镇")[-1].rstrip("*")
    assert village
    assert not [
        p for p in person_search_for(secretary, village) if "/611022109223/" not in p.area_path
    ]
