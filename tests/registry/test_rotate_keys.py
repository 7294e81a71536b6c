"""Key rotation: ``pii_rotate`` and ``manage.py rotate_pii_keys``.

The demo people are under the demo keyring's one key, ``demo``. Each test swaps the process
keyring for one holding the demo key plus a new current key ``k2`` and rotates the people
and households of one grid (``area_path_prefix``, so the test stays fast)."""

from __future__ import annotations

import functools
import io
import json

import pytest
from cryptography.hazmat.primitives import hashes
from django.core.management import call_command
from django.core.management.base import CommandError

from wangge.audit.models import AuditRecord
from wangge.registry import keys, pii, rotation
from wangge.registry.management.commands import rotate_pii_keys
from wangge.registry.models import Household, Person

K2 = bytes(range(16))


def _demo_material(label: str) -> bytes:
    # As Keyring.demo() derives its keys (checked below: the demo tokens decrypt).
    digest = hashes.Hash(hashes.SM3())
    digest.update(f"wangge DEMO ONLY, never in production: {label}".encode())
    return digest.finalize()


def _ring_k2() -> pii.Keyring:
    return pii.Keyring(
        {"demo": _demo_material("pii key demo")[:16], "k2": K2},
        current="k2",
        index_key=_demo_material("blind index key"),
    )


@pytest.fixture
def ring(monkeypatch: pytest.MonkeyPatch) -> pii.Keyring:
    new = _ring_k2()
    monkeypatch.setattr(keys, "keyring", lambda: new)
    return new


@pytest.fixture
def grid(db: None) -> str:
    """The grid of the first person with both an ID number and a phone."""
    person = Person.objects.exclude(id_enc="").exclude(phone_enc="").order_by("pk").first()
    assert person is not None
    assert Household.objects.filter(area_path__startswith=person.area_path).exists()
    return person.area_path


def _tokens(prefix: str) -> dict[tuple[str, int, str], str]:
    """Every non-empty token of the grid, by (model, pk, field)."""
    out: dict[tuple[str, int, str], str] = {}
    for col in rotation.COLUMNS:
        rows = (
            col.model._default_manager.filter(area_path__startswith=prefix)
            .exclude(**{col.field: ""})
            .values_list("pk", col.field)
        )
        for pk, token in rows:
            out[(col.key, pk, col.field)] = token
    return out


def _expected(tokens: dict[tuple[str, int, str], str]) -> dict[str, int]:
    counts = dict.fromkeys((c.key for c in rotation.COLUMNS), 0)
    for key, _pk, _field in tokens:
        counts[key] += 1
    return counts


def test_demo_material_matches_demo_keyring(ring: pii.Keyring) -> None:
    demo = pii.Keyring.demo()
    token = pii.encrypt(demo, "611022199001011234")
    assert pii.decrypt(ring, token) == "611022199001011234"
    assert pii.blind_index(ring, "id", "611022199001011234") == pii.blind_index(
        demo, "id", "611022199001011234"
    )


def test_dry_run_counts_and_changes_nothing(ring: pii.Keyring, grid: str) -> None:
    before = _tokens(grid)
    expected = _expected(before)
    assert all(n > 0 for n in expected.values()), expected
    audits = AuditRecord.objects.count()

    report = rotation.pii_rotate(area_path_prefix=grid)

    assert not report.commit
    assert report.completed
    assert report.ok
    assert report.current == "k2"
    assert report.other_key_ids == ["demo"]
    assert {c.column.key: c.rotated for c in report.columns} == expected
    assert _tokens(grid) == before
    assert AuditRecord.objects.count() == audits


def test_commit_rotates_keeps_plaintext_and_second_run_is_empty(
    ring: pii.Keyring, grid: str
) -> None:
    before = _tokens(grid)
    plain = {k: pii.decrypt(ring, t) for k, t in before.items()}
    indexes = list(
        Person.objects.filter(area_path__startswith=grid)
        .order_by("pk")
        .values_list("id_index", "phone_index", "updated_at")
    )
    outside = Person.objects.exclude(area_path__startswith=grid).exclude(id_enc="")
    outside_sample = dict(outside.order_by("pk").values_list("pk", "id_enc")[:20])
    seen: list[tuple[str, int, int]] = []

    report = rotation.pii_rotate(
        commit=True,
        batch_size=7,
        area_path_prefix=grid,
        progress=lambda c: seen.append((c.column.key, c.batches, c.rotated)),
    )

    expected = _expected(before)
    assert report.completed
    assert report.ok
    assert {c.column.key: c.rotated for c in report.columns} == expected
    # Progress after every batch, batches of at most 7.
    for col in report.columns:
        calls = [s for s in seen if s[0] == col.column.key]
        assert len(calls) == col.batches == -(-expected[col.column.key] // 7)
        assert calls[-1][2] == expected[col.column.key]

    after = _tokens(grid)
    assert after.keys() == before.keys()
    for k, token in after.items():
        assert token.startswith("k2$"), k
        assert token != before[k]
        assert pii.decrypt(ring, token) == plain[k]
    # Blind indexes and timestamps untouched; outside the grid nothing changed.
    assert (
        list(
            Person.objects.filter(area_path__startswith=grid)
            .order_by("pk")
            .values_list("id_index", "phone_index", "updated_at")
        )
        == indexes
    )
    assert dict(Person.objects.filter(pk__in=outside_sample).values_list("pk", "id_enc")) == (
        outside_sample
    )

    record = AuditRecord.objects.filter(action="pii.rotate").latest("seq")
    assert record.actor_id is None
    assert record.object_type == "registry"
    assert record.changes["key_id"] == "k2"
    assert record.changes["completed"] is True
    assert record.changes["columns"]["person.id_enc"]["rotated"] == expected["person.id_enc"]
    dumped = json.dumps(record.changes, ensure_ascii=False)
    assert not any(value in dumped for value in plain.values() if len(value) >= 6)

    again = rotation.pii_rotate(commit=True, area_path_prefix=grid)
    assert again.rotated == 0
    assert again.ok
    assert all(c.batches == 0 for c in again.columns)
    assert _tokens(grid) == after


def test_interrupted_run_resumes(ring: pii.Keyring, grid: str) -> None:
    before = _tokens(grid)
    expected = _expected(before)

    class Stop(Exception):
        pass

    def stop_after_two_batches(column: rotation.ColumnReport) -> None:
        if column.batches == 2:
            raise Stop

    with pytest.raises(Stop):
        rotation.pii_rotate(
            commit=True, batch_size=5, area_path_prefix=grid, progress=stop_after_two_batches
        )
    # Both batches of the first column are committed; the run is audited as incomplete.
    first = rotation.COLUMNS[0]
    done = [t for k, t in _tokens(grid).items() if k[0] == first.key and t.startswith("k2$")]
    assert len(done) == min(10, expected[first.key])
    record = AuditRecord.objects.filter(action="pii.rotate").latest("seq")
    assert record.changes["completed"] is False
    assert record.changes["rotated"] == len(done)

    rest = rotation.pii_rotate(commit=True, area_path_prefix=grid)
    assert {c.column.key: c.rotated for c in rest.columns} == {
        k: n - (len(done) if k == first.key else 0) for k, n in expected.items()
    }
    assert all(t.startswith("k2$") for t in _tokens(grid).values())


def test_unknown_key_id_is_left_alone_and_fails_the_command(
    ring: pii.Keyring, grid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = Person.objects.filter(area_path__startswith=grid).exclude(phone_enc="").first()
    household = Household.objects.filter(area_path__startswith=grid).exclude(address_enc="")
    hh = household.order_by("pk").first()
    assert person is not None
    assert hh is not None
    foreign = "zz$" + person.phone_enc.split("$", 1)[1]
    tampered = "demo$" + ("A" if hh.address_enc[5] != "A" else "B") + hh.address_enc[6:]
    Person.objects.filter(pk=person.pk).update(phone_enc=foreign)
    Household.objects.filter(pk=hh.pk).update(address_enc=tampered)
    expected = _expected(_tokens(grid))
    monkeypatch.setattr(
        rotate_pii_keys,
        "pii_rotate",
        functools.partial(rotation.pii_rotate, area_path_prefix=grid),
    )

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("rotate_pii_keys", "--commit", "--batch", "50", stdout=out, stderr=err)

    message = str(failed.value)
    assert "2 条个人信息无法解密" in message
    assert "密钥 zz" in message
    assert "校验失败或格式错误 1 条" in message
    person.refresh_from_db()
    hh.refresh_from_db()
    assert person.phone_enc == foreign
    assert hh.address_enc == tampered
    # Everything else was rotated, and the summary says so.
    left = {k: t for k, t in _tokens(grid).items() if not t.startswith("k2$")}
    assert sorted(left.values()) == sorted([foreign, tampered])
    text = out.getvalue()
    assert f"身份证号:已重新加密 {expected['person.id_enc']:,} 条" in text
    assert f"联系电话:已重新加密 {expected['person.phone_enc'] - 1:,} 条" in text
    assert "无法解密 1 条(未改动)" in text
    assert "已重新加密" in err.getvalue()
    record = AuditRecord.objects.filter(action="pii.rotate").latest("seq")
    assert record.changes["unreadable"] == 2
    assert record.changes["columns"]["person.phone_enc"]["unknown_key_ids"] == {"zz": 1}

    # A dry run afterwards finds only the two, and still fails.
    with pytest.raises(CommandError, match="密钥 zz"):
        call_command("rotate_pii_keys", stdout=io.StringIO(), stderr=io.StringIO())


def test_command_dry_run_output(
    ring: pii.Keyring, grid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tokens(grid)
    expected = _expected(before)
    monkeypatch.setattr(
        rotate_pii_keys,
        "pii_rotate",
        functools.partial(rotation.pii_rotate, area_path_prefix=grid),
    )
    out = io.StringIO()
    call_command("rotate_pii_keys", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "当前密钥:k2" in text
    assert f"详细地址:待重新加密 {expected['household.address_enc']:,} 条" in text
    assert "试运行" in text
    assert _tokens(grid) == before

    call_command("rotate_pii_keys", "--commit", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("rotate_pii_keys", stdout=out, stderr=io.StringIO())
    assert "身份证号:待重新加密 0 条" in out.getvalue()
    assert "旧密钥 demo 可以从密钥文件中移除" in out.getvalue()


@pytest.mark.parametrize("batch", ["0", "-5"])
def test_command_rejects_bad_batch(db: None, batch: str) -> None:
    with pytest.raises(CommandError, match="--batch"):
        call_command("rotate_pii_keys", "--batch", batch, stdout=io.StringIO())


def test_service_rejects_bad_batch(db: None) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        rotation.pii_rotate(batch_size=0)
