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
