"""wangge.registry.pii: SM4 tokens, HMAC-SM3 blind index, masks, keyrings. No database."""

from __future__ import annotations

import base64
import hmac
import itertools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given, settings
from hypothesis import strategies as st

from wangge.registry import pii
from wangge.registry.pii import Keyring, PiiError

REPO = Path(__file__).resolve().parents[2]

K1 = bytes(range(16))
K2 = bytes(range(16, 32))
INDEX = bytes(range(100, 132))
ID = "611022199001011234"
ADDRESS = "陕西省商洛市丹凤县商镇保定村3组12号"


def ring(current: str = "k1", **keys: bytes) -> Keyring:
    return Keyring(keys or {"k1": K1}, current, INDEX)


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def flip(token: str, position: int) -> str:
    key_id, body = token.split("$")
    blob = bytearray(unb64(body))
    blob[position] ^= 0x01
    return f"{key_id}${b64(bytes(blob))}"


# --- encryption ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [ID, "13812345678", ADDRESS, "", "x" * 1000, "😀 emoji"])
def test_round_trip(value: str) -> None:
    r = ring()
    token = pii.encrypt(r, value)
    assert token.startswith("k1$")
    assert set(token[3:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert value not in token or value == ""
    assert pii.decrypt(r, token) == value


def test_token_is_plain_sm4_ctr_with_hmac_sm3_as_documented() -> None:
    """Decrypt a token with nothing but the documented recipe, so the format is what the
    module docstring says (and another implementation could read it)."""
    token = pii.encrypt(ring(), ID)
    blob = unb64(token.split("$")[1])
    iv, ct, tag = blob[:16], blob[16:-16], blob[-16:]
    okm = HKDF(hashes.SM3(), 48, None, b"wangge-pii/v1 sm4-ctr+hmac-sm3").derive(K1)
    mac = HMAC(okm[16:], hashes.SM3())
    mac.update(b"wangge-pii/v1\x00k1\x00" + iv + ct)
    assert hmac.compare_digest(mac.finalize()[:16], tag)
    dec = Cipher(algorithms.SM4(okm[:16]), modes.CTR(iv)).decryptor()
    assert (dec.update(ct) + dec.finalize()).decode() == ID
    assert len(token) == 70


def test_same_plaintext_gives_different_tokens_but_the_same_blind_index() -> None:
    r = ring()
    tokens = {pii.encrypt(r, ID) for _ in range(20)}
    assert len(tokens) == 20
    assert len({unb64(t[3:])[:16] for t in tokens}) == 20  # random IVs
    assert pii.blind_index(r, "id", ID) == pii.blind_index(r, "id", ID)


def test_rotation_old_tokens_decrypt_and_need_rotation() -> None:
    old = ring("k1", k1=K1)
    token = pii.encrypt(old, ID)
    new = ring("k2", k1=K1, k2=K2)
    assert not pii.needs_rotation(old, token)
    assert pii.needs_rotation(new, token)
    assert pii.decrypt(new, token) == ID
    rotated = pii.reencrypt(new, token)
    assert rotated.startswith("k2$")
    assert not pii.needs_rotation(new, rotated)
    assert pii.decrypt(new, rotated) == ID
    assert pii.reencrypt(new, rotated) == rotated  # already current: unchanged
    with pytest.raises(PiiError, match="'k2'"):
        pii.decrypt(old, rotated)  # k1-only keyring cannot read k2
    assert pii.key_id_of(rotated) == "k2"


@pytest.mark.parametrize("position", [0, 15, 16, 20, 33, -16, -1])
def test_flipping_any_byte_is_detected(position: int) -> None:
    r = ring()
    token = pii.encrypt(r, ID)
    with pytest.raises(PiiError, match="fails authentication"):
        pii.decrypt(r, flip(token, position))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1],  # truncated (base64 still valid length-wise or not)
        lambda t: t[:-4],
        lambda t: t[:10],
        lambda t: t + "A",
        lambda t: t + "AAAA",
        lambda t: t.replace("$", "$!"),
        lambda t: t[:5] + "+" + t[6:],  # '+' is not base64url
        lambda t: t[:5] + "中" + t[6:],
        lambda t: t.split("$")[1],  # no key id
        lambda t: "",
        lambda t: "k1$",
        lambda t: "K1" + t[2:],  # key ids are lower case
    ],
)
def test_malformed_tokens_raise_pii_error(mangle: Callable[[str], str]) -> None:
    r = ring()
    token = pii.encrypt(r, ID)
    with pytest.raises(PiiError):
        pii.decrypt(r, mangle(token))


def test_unknown_key_id_and_wrong_key() -> None:
    r = ring()
    token = pii.encrypt(ring("k9", k9=K2), ID)
    with pytest.raises(PiiError, match=r"key id 'k9'.*does not hold"):
        pii.decrypt(r, token)
    assert pii.needs_rotation(r, token)
    with pytest.raises(PiiError):
        pii.reencrypt(r, token)
    # Same key id, other key material: authentication fails, no garbage comes out.
    with pytest.raises(PiiError, match="fails authentication"):
        pii.decrypt(ring(k1=K2), pii.encrypt(r, ID))
    # A token moved to another key id the keyring holds fails too.
    both = ring("k1", k1=K1, k2=K2)
    with pytest.raises(PiiError):
        pii.decrypt(both, "k2$" + pii.encrypt(both, ID)[3:])


def test_errors_never_show_plaintext_or_keys() -> None:
    r = ring()
    token = pii.encrypt(r, ID)
    with pytest.raises(PiiError) as info:
        pii.decrypt(r, flip(token, 20))
    assert ID not in str(info.value)
    assert K1.hex() not in repr(r)
    assert INDEX.hex() not in repr(r)


def test_encrypt_many_decrypts_across_chunks() -> None:
    r = ring()
    values = [f"6110221990{i:08d}" if i % 7 else "" for i in range(pii.CHUNK + 5)]
    values[3] = ADDRESS
    values[4] = "a" * 33
    tokens = pii.encrypt_many(r, values)
    assert len(tokens) == len(values)
    assert pii.decrypt_many(r, tokens) == values
    assert len(set(tokens)) == len(tokens)
    # No counter block is used twice: each value's blocks [iv, iv + n) are disjoint.
    ranges = sorted(
        (int.from_bytes(unb64(t[3:])[:16], "big"), max(1, -(-len(v.encode()) // 16)))
        for t, v in zip(tokens, values, strict=True)
    )
    for (start, n), (next_start, _n) in itertools.pairwise(ranges):
        assert start + n <= next_start
    assert pii.encrypt_many(r, []) == []
    with pytest.raises(TypeError, match="int"):
        pii.encrypt_many(r, ["a", 5])  # type: ignore[list-item]


def test_encrypt_many_wraps_the_counter_modulo_2_128(monkeypatch: pytest.MonkeyPatch) -> None:
    r = ring()
    real = os.urandom
    monkeypatch.setattr(os, "urandom", lambda n: b"\xff" * n if n == 16 else real(n))
    values = ["x" * 20, "y" * 40, "z"]
    tokens = pii.encrypt_many(r, values)
    ivs = [unb64(t[3:])[:16] for t in tokens]
    assert ivs[0] == b"\xff" * 16
    assert ivs[1] == (1).to_bytes(16, "big")  # 2**128 - 1 + 2 blocks, wrapped
    assert pii.decrypt_many(r, tokens) == values


def test_one_keyring_in_many_threads() -> None:
    r = ring()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(300):
                value = f"{n}-{i}-" + "字" * (i % 9)
                assert pii.decrypt(r, pii.encrypt(r, value)) == value
            many = [f"{n}:{i}" for i in range(200)]
            assert pii.decrypt_many(r, pii.encrypt_many(r, many)) == many
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=12))
def test_round_trip_property(values: list[str]) -> None:
    r = ring()
    assert [pii.decrypt(r, pii.encrypt(r, v)) for v in values] == values
    assert pii.decrypt_many(r, pii.encrypt_many(r, values)) == values


# --- blind index --------------------------------------------------------------------------------


def test_blind_index_separates_kinds_and_keys() -> None:
    r = ring()
    index = pii.blind_index(r, "id", "13812345678")
    assert len(index) == 32
    assert int(index, 16) >= 0
    assert index != pii.blind_index(r, "phone", "13812345678")
    assert index != pii.blind_index(Keyring({"k1": K1}, "k1", INDEX[::-1]), "id", "13812345678")
    # The index key, not the encryption keys, decides it.
    assert index == pii.blind_index(ring("k2", k2=K2), "id", "13812345678")


def test_blind_index_normalisation() -> None:
    r = ring()
    ix = pii.blind_index(r, "id", "61102219900101123X")
    assert pii.blind_index(r, "id", "61102219900101123x") == ix
    assert pii.blind_index(r, "id", " 611022 19900101 123x\t") == ix
    assert pii.blind_index(r, "id", "６１１０２２１９９００１０１１２３ｘ") == ix  # full width
    assert pii.blind_index(r, "id", "611022199001011230") != ix
    phone = pii.blind_index(r, "phone", "13812345678")
    for variant in ["138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "008613812345678"]:
        assert pii.blind_index(r, "phone", variant) == phone, variant
    assert pii.normalise("address", " 陕西省 商洛市\u3000丹凤县 ") == "陕西省商洛市丹凤县"
    assert pii.blind_index(r, "id", "") == ""
    assert pii.blind_index(r, "id", " \u3000") == ""


def test_blind_index_many_matches_single_calls() -> None:
    r = ring()
    values = [ID, "61102219900101123x", "", "138 1234 5678", ADDRESS]
    for kind in ["id", "phone", "address"]:
        assert pii.blind_index_many(r, kind, values) == [
            pii.blind_index(r, kind, v) for v in values
        ]


@pytest.mark.parametrize("kind", ["", "ID", "id\x00x", "1id", "a" * 33])
def test_blind_index_rejects_bad_kinds(kind: str) -> None:
    with pytest.raises(ValueError, match="kind"):
        pii.blind_index(ring(), kind, ID)
    with pytest.raises(ValueError, match="kind"):
        pii.blind_index_many(ring(), kind, [ID])


# --- masks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("611022199001011234", "6110**********1234"),
        ("61102219900101123x", "6110**********123X"),
        (" 611022 199001011234 ", "6110**********1234"),
        ("６１１０２２１９９００１０１１２３４", "6110**********1234"),
        ("611022900101123", "611*********123"),  # first-generation, 15 digits
        ("6110**********1234", "6110**********1234"),  # idempotent
        ("12345678", "12*****8"),
        ("1234", "1***"),
        ("12", "**"),
        ("1", "*"),
        ("", ""),
        (None, ""),
        ("61102219900101123456789", "6110**********6789"),  # never longer than 18
    ],
)
def test_mask_id_number(value: str | None, masked: str) -> None:
    assert pii.mask_id_number(value) == masked
    assert pii.mask("id", value) == masked
    assert pii.mask("id_number", value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("008613812345678", "+86 138****5678"),
        ("0914-2312345", "091****2345"),
        ("2312345", "23***45"),
        ("138****5678", "138****5678"),
        ("123", "1**"),
        ("1", "*"),
        ("+86", "+**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value: str | None, masked: str) -> None:
    assert pii.mask_phone(value) == masked
    assert pii.mask("phone", value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (ADDRESS, "陕西省商洛市丹凤县商镇保定村****"),
        ("陕西省商洛市丹凤县商镇保定村三组十二号", "陕西省商洛市丹凤县商镇保定村****"),
        (
            "陕西省商洛市镇安县永乐街道办事处东关社区5号",
            "陕西省商洛市镇安县永乐街道办事处东关社区****",
        ),
        ("商洛市商州区北新街18号院3单元501室", "商洛市商州区北新街****"),
        ("贵州省贵阳市云岩区中华北路100号", "贵州省贵阳市云岩区中华北路****"),
        ("西安市雁塔区城市花园小区5号楼", "西安市雁塔区城市花园小区****"),
        ("陕西省商洛市丹凤县", "陕西省商洛市****"),  # nothing left to hide: one level less
        ("陕西省商洛市丹凤县商镇王家沟", "陕西省商洛市丹凤县商镇****"),
        ("陕西 省商洛市\u3000丹凤县商镇保定村3组", "陕西省商洛市丹凤县商镇保定村****"),
        ("北京朝阳门外大街", "北京朝阳****"),  # no level: first min(6, len // 2)
        ("3组12号", "****"),
        ("保定村A栋", "保定村****"),
        ("陕西省商洛市丹凤县商镇保定村****", "陕西省商洛市丹凤县商镇保定村****"),
        ("村", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_address(value: str | None, masked: str) -> None:
    assert pii.mask_address(value) == masked
    assert pii.mask("address", value) == masked


def test_mask_address_keeps_at_most_32_characters() -> None:
    long = "内蒙古自治区呼伦贝尔市鄂温克族自治旗巴彦托海镇" + "长" * 20 + "村3组"
    masked = pii.mask_address(long)
    assert masked == "内蒙古自治区呼伦贝尔市鄂温克族自治旗巴彦托海镇****"
    assert len(masked) <= 36


def test_mask_unknown_kind() -> None:
    with pytest.raises(ValueError, match="no mask for kind 'email'"):
        pii.mask("email", "a@b.c")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789Xx *-+", max_size=30))
def test_masks_never_reveal_more_than_the_standard_form(value: str) -> None:
    shown_id = [c for c in pii.mask_id_number(value) if c != "*"]
    assert len(shown_id) <= 8
    shown_phone = [c for c in pii.mask_phone(value).removeprefix("+86 ") if c != "*"]
    assert len(shown_phone) <= 7
    assert len(pii.mask_id_number(value)) <= 18
    assert len(pii.mask_phone(value)) <= 15
    for masker in (pii.mask_id_number, pii.mask_phone, pii.mask_address):
        once = masker(value)
        assert masker(once) == once


# --- keyrings -----------------------------------------------------------------------------------

KEY_FILE = f"""
# 丹凤县 keys
enc k1 {K1.hex()}
enc k2 {K2.hex().upper()}   # upper-case hex is fine
current k2
index {INDEX.hex()}
"""


def test_key_file_round_trip() -> None:
    r = Keyring.from_env_text(KEY_FILE)
    assert r.current == "k2"
    assert r.key_ids == {"k1", "k2"}
    assert not r.is_demo
    assert pii.decrypt(r, pii.encrypt(ring(), ID)) == ID
    assert pii.blind_index(r, "id", ID) == pii.blind_index(ring(), "id", ID)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (KEY_FILE.replace("enc k1", "encrypt k1"), r"line 3: unknown directive 'encrypt'"),
        (KEY_FILE.replace(K1.hex(), K1.hex()[:-2]), r"line 3: key 'k1' must be 32 hex .*got 30"),
        (KEY_FILE.replace(K1.hex(), "zz" + K1.hex()[2:]), r"line 3: key 'k1' .*non-hex"),
        (KEY_FILE.replace("enc k1", "enc K1"), r"line 3: key id 'K1' must be"),
        (KEY_FILE.replace("enc k1", "enc toolongid"), r"line 3: key id 'toolongid'"),
        (KEY_FILE.replace("enc k2", "enc k1"), r"line 4: key id 'k1' is defined twice.*line 3"),
        (KEY_FILE.replace(K2.hex().upper(), K1.hex()), r"line 4: key 'k2' is the same key as 'k1'"),
        (KEY_FILE.replace("current k2", "current k3"), r"line 5: current key id 'k3'"),
        (KEY_FILE.replace("current k2", "current"), r"line 5: expected 'current <key id>'"),
        (KEY_FILE + "current k1\n", r"line 7: 'current' given twice \(first on line 5\)"),
        (KEY_FILE.replace(INDEX.hex(), INDEX.hex()[:32]), r"line 6: index key must be 64 hex"),
        (KEY_FILE + f"index {INDEX.hex()}\n", r"line 7: 'index' given twice"),
        (KEY_FILE.replace("current k2", "# current k2"), r"no 'current <key id>' line"),
        (KEY_FILE.replace("index", "# index"), r"no 'index <hex>' line"),
        ("# nothing\n", r"no 'enc <key id> <hex>' line"),
    ],
)
def test_key_file_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        Keyring.from_env_text(text)
    for secret in (K1.hex(), K2.hex(), INDEX.hex()):
        assert secret not in str(info.value).lower()


def test_key_file_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    path.write_text(KEY_FILE, encoding="utf-8")
    assert Keyring.from_file(path).current == "k2"


@pytest.mark.parametrize(
    ("keys", "current", "index", "message"),
    [
        ({}, "k1", INDEX, "at least one"),
        ({"k-1": K1}, "k-1", INDEX, "key id 'k-1'"),
        ({"": K1}, "", INDEX, "key id ''"),
        ({"k1": K1[:15]}, "k1", INDEX, "key 'k1' must be 16 bytes .*got 15"),
        ({"k1": K1.hex()}, "k1", INDEX, "key 'k1' must be 16 bytes .*got str"),
        ({"k1": K1, "k2": K1}, "k1", INDEX, "'k1' and 'k2' are the same key"),
        ({"k1": K1}, "k2", INDEX, r"current key id 'k2' is not among the keys \(k1\)"),
        ({"k1": K1}, "k1", INDEX[:16], "index key must be 32 bytes"),
    ],
)
def test_keyring_validation(
    keys: dict[str, bytes], current: str, index: bytes, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Keyring(keys, current, index)


def test_demo_keyring_is_fixed_and_labelled() -> None:
    a, b = Keyring.demo(), Keyring.demo()
    assert a.is_demo
    assert a.current == "demo"
    assert "demo only" in repr(a)
    token = pii.encrypt(a, ID)
    assert token.startswith("demo$")
    assert pii.decrypt(b, token) == ID
    assert pii.blind_index(a, "id", ID) == pii.blind_index(b, "id", ID)
    assert pii.blind_index(a, "id", ID) != pii.blind_index(ring(), "id", ID)


def test_pii_imports_without_django() -> None:
    script = (
        "import json, sys; import wangge.registry.pii; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'django')))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []
