"""Protected personal data: SM4 encryption at rest, HMAC-SM3 blind index, masking.

ID numbers, phone numbers and exact addresses never reach the database in clear. Each is stored
three ways, by the functions here:

* a **token**, ``encrypt(keyring, value)`` → ``k1$<base64url>``, decrypted only when someone
  entitled asks to see the full value (``decrypt``);
* a **blind index**, ``blind_index(keyring, "id", value)`` → 32 hex characters, equal for equal
  values, so an exact search is one indexed equality without decrypting anything;
* a **mask** for display, ``mask_id_number`` → ``6110**********1234``.

Pure Python, no Django: importers, the demo generator and benchmarks use it bare.

Keys
----
A :class:`Keyring` holds the encryption keys by **key id** (``[a-z0-9]{1,8}``), which one is
``current`` (used for every new token) and a separate blind-index key. Every token starts with
the id of the key that made it, so keys can be rotated: add a new key, make it current, and
re-encrypt old tokens at leisure (``needs_rotation``/``reencrypt``); the old key stays in the
keyring until no token uses it. The keys never sit in the database: they come from a text file
outside it (``Keyring.from_env_text``, format below, path in ``settings.WANGGE_PII_KEYS_FILE``).
Error messages name lines and key ids, never key material.

Key file format, one directive a line, ``#`` starts a comment::

    # 商洛市丹凤县 人口信息库 keys — keep this file off the database server's backups
    enc k1 00112233445566778899aabbccddeeff      # SM4 key, 16 bytes = 32 hex characters
    enc k2 0f1e2d3c4b5a69788796a5b4c3d2e1f0
    current k2                                   # new tokens use k2; k1 tokens still decrypt
    index 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff  # 32 bytes, 64 hex

Generate a key with ``python -c "import os; print(os.urandom(16).hex())"`` (``32`` for the
index key). The blind-index key cannot be rotated by key id: a new one means recomputing every
``*_index`` column from the decrypted values (a one-off job), so it is one key, kept as
carefully as the others — an ID number has so little entropy (region, birth date, 3 digits)
that anyone holding the index key can find a number from its index by trying them all.

``Keyring.demo()`` is a fixed keyring for the demo and tests, **demo only, never in
production**: its key id is ``demo``, so a ``demo$…`` token in a production database is a
visible alarm.

Token format and why not SM4-GCM
--------------------------------
``<key id>$<base64url without padding of: IV (16 bytes) ‖ ciphertext ‖ tag (16 bytes)>``, where
the ciphertext is **SM4-CTR** (SM4: GB/T 32907; CTR: GB/T 17964) of the UTF-8 value under the
IV as the initial 128-bit counter block, and the tag is **HMAC-SM3** (HMAC: GB/T 15852.2; SM3:
GB/T 32905) truncated to 128
bits over ``b"wangge-pii/v1\\0" + key id + b"\\0" + IV + ciphertext`` — encrypt-then-MAC, the
tag checked in constant time before anything is decrypted, so a tampered token, a token moved
to another key id or a wrong key raises :class:`PiiError` and never returns garbage. The SM4 key
and the HMAC key are derived from the configured 16-byte key with HKDF-SM3 (info
``wangge-pii/v1 sm4-ctr+hmac-sm3``), so the same key never serves two algorithms. An 18-digit
ID number makes a 70-character token under a 2-character key id.

``cryptography`` 48 does support SM4-GCM (``modes.GCM`` with ``algorithms.SM4``), and that was
the first choice, but its API binds the nonce to the mode object: every value needs a new
``GCM`` mode, ``Cipher`` and context (with a fresh key schedule), ≈ 30,000 encryptions/s on the
2-core development VM (``bench/pii_speed.py`` times it), against the ≥ 150,000/s that a
2,000,000-person import (3 fields each) needs. A CTR context can be re-nonced
(``CipherContext.reset_nonce``) and a keyed HMAC copied (``HMAC.copy``), so CTR + HMAC-SM3 runs
≈ 115,000/s one by one and ≈ 200,000/s in ``encrypt_many`` (where the HMAC is most of the
cost) on the same VM. Encrypt-then-MAC with separate keys is authenticated encryption like GCM
(confidentiality, 128-bit integrity), from two standard primitives.

``encrypt_many`` runs one CTR pass over a whole chunk: the values are laid out block-aligned
(each padded to a multiple of 16 bytes, at least one block), encrypted with one ``update`` from
a random starting counter, and each token carries its own starting counter block (the chunk's
random IV plus the value's block offset, modulo 2**128). Every token is an ordinary SM4-CTR
token, decrypted like any other; no counter block is used twice (values occupy disjoint block
ranges, chunks start at independent random 128-bit points). The only thing it tells that
``encrypt`` would not is which tokens were made in the same chunk and how many blocks lay
between them — the ciphertext lengths, which are visible anyway.

Blind index
-----------
``HMAC-SM3(index key, kind + "\\0" + normalised value)``, truncated to 128 bits, as 32 lowercase
hex characters (hex rather than base64: indexes stay equal under case-insensitive database
collations; 128 bits make an accidental collision among a few million values about 2**-87).
``kind`` (``"id"``, ``"phone"``, ``"address"`` or any ``[a-z][a-z0-9_]*``) keeps equal strings in
different fields apart. Normalisation (:func:`normalise`): Unicode NFKC (full-width ``１３８`` →
``138``), all whitespace removed, upper case (the ID check character ``x`` == ``X``); for phones
also ``-``, ``(``, ``)`` removed and a leading ``+86``/``0086`` dropped. A value that normalises to
nothing has the index ``""`` (store NULL: empty values must not all match each other).

Masks
-----
* ID number: first 4 and last 4 kept, ``6110**********1234``; a 15-digit first-generation number
  keeps 3 and 3. Shorter or odd input reveals at most the same share of characters
  (8 in 18): the kept ends shrink until enough is hidden.
* Phone: ``138****5678``; ``+86 138****5678``; landlines ``091****2345``; never more than
  7 of 11 characters shown, fewer for short numbers.
* Address: the administrative prefix is kept down to the village/community or street level —
  province 省/自治区, city 市/州/盟, county 县/区/旗, township 镇/乡/街道/苏木, then one of
  村/社区/居委会/嘎查/小区 or a street 路/街/巷/大道 — and everything after it (组, 号, 栋,
  单元, 室 …) becomes ``****``. ``陕西省商洛市丹凤县商镇保定村3组12号`` →
  ``陕西省商洛市丹凤县商镇保定村****``. Rules: the prefix stops at the first digit, Latin
  letter, ``#``, ``-`` or ``*`` (house numbers, ``A栋``; ``*`` so that masking a mask changes
  nothing); a level marker needs at least one character of name before it (``镇安县`` is a
  county, not a township ``镇``) and is part of the name when another marker follows at once
  (``商州区``, ``贵州省``, ``北街社区``); the last level is dropped when nothing would be left
  to hide (``陕西省商洛市丹凤县`` → ``陕西省商洛市****``); at most 32 characters are kept.
  With no recognisable level, the first ``min(6, len // 2)`` characters before any digit are
  kept (``北京朝阳门外大街`` → ``北京朝阳****``). The ``****`` never tells the length. The
  rules are a heuristic for display, not an address parser: an odd address may keep one level
  fewer, never a house number.

Masks are idempotent (masking a mask changes nothing) and empty or ``None`` input gives ``""``.

Threads: the keyring keeps its reusable cipher contexts per thread, so one keyring serves a
threaded web server safely.
"""

from __future__ import annotations

import binascii
import hmac as _hmac
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "KIND_ADDRESS",
    "KIND_ID",
    "KIND_PHONE",
    "Keyring",
    "PiiError",
    "blind_index",
    "blind_index_many",
    "decrypt",
    "decrypt_many",
    "encrypt",
    "encrypt_many",
    "key_id_of",
    "mask",
    "mask_address",
    "mask_id_number",
    "mask_phone",
    "needs_rotation",
    "normalise",
    "reencrypt",
]

KIND_ID = "id"
KIND_PHONE = "phone"
KIND_ADDRESS = "address"

KEY_BYTES = 16
INDEX_KEY_BYTES = 32
IV_BYTES = 16
TAG_BYTES = 16
INDEX_BYTES = 16
CHUNK = 4096
"""Values per CTR pass in ``encrypt_many`` (bounds memory and the length of a counter run)."""

_KEY_ID = re.compile(r"[a-z0-9]{1,8}")
_KIND = re.compile(r"[a-z][a-z0-9_]{0,31}")
_HEX = re.compile(r"[0-9a-fA-F]*")
_DOMAIN = b"wangge-pii/v1\x00"
_HKDF_INFO = b"wangge-pii/v1 sm4-ctr+hmac-sm3"
_COUNTER_MOD = 1 << 128

# base64url without padding, through binascii directly (the base64 module's wrappers cost more
# than the encoding). '+' and '/' must not pass for '-' and '_' when decoding: map them to '!',
# which strict decoding rejects.
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_+/", b"+/!!")


class PiiError(ValueError):
    """A token that cannot be decrypted: malformed, tampered with, or made with a key id this
    keyring does not hold. The message never contains key material or plaintext."""


class _Key:
    """One configured key, expanded: the SM4 algorithm object and the HMAC key and prefix."""

    __slots__ = ("algorithm", "key_id", "mac_key", "mac_prefix")

    def __init__(self, key_id: str, master: bytes) -> None:
        okm = HKDF(hashes.SM3(), KEY_BYTES + 32, None, _HKDF_INFO).derive(master)
        self.key_id = key_id
        self.algorithm = algorithms.SM4(okm[:KEY_BYTES])
        self.mac_key = okm[KEY_BYTES:]
        self.mac_prefix = _DOMAIN + key_id.encode("ascii") + b"\x00"

    def mac_base(self) -> HMAC:
        mac = HMAC(self.mac_key, hashes.SM3())
        mac.update(self.mac_prefix)
        return mac

    def ctr(self, iv: bytes) -> CipherContext:
        # CTR encryption and decryption are the same operation.
        return Cipher(self.algorithm, modes.CTR(iv)).encryptor()


class _Local(threading.local):
    def __init__(self) -> None:
        self.ctx: dict[str, tuple[CipherContext, HMAC]] = {}
        self.index: dict[str, HMAC] = {}


class Keyring:
    """Encryption keys by key id, the current key id, and the blind-index key.

    ``keys`` maps key ids (``[a-z0-9]{1,8}``) to 16-byte SM4 keys; ``current`` names the one
    new tokens use; ``index_key`` (32 bytes) keys the blind index. Invalid input raises
    ``ValueError`` saying what is wrong (never showing key bytes)."""

    __slots__ = ("_index_key", "_keys", "_local", "current", "is_demo")

    def __init__(
        self,
        keys: Mapping[str, bytes],
        current: str,
        index_key: bytes,
        *,
        is_demo: bool = False,
    ) -> None:
        if not keys:
            raise ValueError("keyring: at least one encryption key is needed")
        seen: dict[bytes, str] = {}
        for key_id, key in keys.items():
            if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
                raise ValueError(
                    f"keyring: key id {key_id!r} must be 1 to 8 characters of a-z and 0-9"
                )
            if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
                size = len(key) if isinstance(key, bytes | bytearray) else type(key).__name__
                raise ValueError(
                    f"keyring: key {key_id!r} must be {KEY_BYTES} bytes (SM4), got {size}"
                )
            if bytes(key) in seen:
                raise ValueError(
                    f"keyring: keys {seen[bytes(key)]!r} and {key_id!r} are the same key"
                )
            seen[bytes(key)] = key_id
        if current not in keys:
            raise ValueError(
                f"keyring: current key id {current!r} is not among the keys "
                f"({', '.join(sorted(keys))})"
            )
        if not isinstance(index_key, bytes | bytearray) or len(index_key) != INDEX_KEY_BYTES:
            size = (
                len(index_key)
                if isinstance(index_key, bytes | bytearray)
                else type(index_key).__name__
            )
            raise ValueError(
                f"keyring: the index key must be {INDEX_KEY_BYTES} bytes (HMAC-SM3), got {size}"
            )
        self._keys = {key_id: _Key(key_id, bytes(key)) for key_id, key in keys.items()}
        self._index_key = bytes(index_key)
        self._local = _Local()
        self.current = current
        self.is_demo = is_demo

    def __repr__(self) -> str:
        demo = ", demo only" if self.is_demo else ""
        return f"Keyring(key_ids={sorted(self._keys)}, current={self.current!r}{demo})"

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def from_env_text(cls, text: str) -> Keyring:
        """Parse the key file format (see the module docstring). Errors name the line."""
        keys: dict[str, bytes] = {}
        lines: dict[str, int] = {}
        current: tuple[str, int] | None = None
        index: tuple[bytes, int] | None = None
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            directive = words[0].lower()

            def fail(message: str, lineno: int = lineno) -> ValueError:
                return ValueError(f"key file line {lineno}: {message}")

            if directive == "enc":
                if len(words) != 3:
                    raise fail("expected 'enc <key id> <32 hex characters>'")
                key_id, hex_key = words[1], words[2]
                if not _KEY_ID.fullmatch(key_id):
                    raise fail(f"key id {key_id!r} must be 1 to 8 characters of a-z and 0-9")
                if key_id in keys:
                    raise fail(
                        f"key id {key_id!r} is defined twice (first on line {lines[key_id]})"
                    )
                key = _parse_hex(hex_key, KEY_BYTES, f"key {key_id!r}", fail)
                for other, other_key in keys.items():
                    if other_key == key:
                        raise fail(
                            f"key {key_id!r} is the same key as {other!r} on line {lines[other]}"
                        )
                keys[key_id] = key
                lines[key_id] = lineno
            elif directive == "current":
                if len(words) != 2:
                    raise fail("expected 'current <key id>'")
                if current is not None:
                    raise fail(f"'current' given twice (first on line {current[1]})")
                current = (words[1], lineno)
            elif directive == "index":
                if len(words) != 2:
                    raise fail("expected 'index <64 hex characters>'")
                if index is not None:
                    raise fail(f"'index' given twice (first on line {index[1]})")
                index = (_parse_hex(words[1], INDEX_KEY_BYTES, "index key", fail), lineno)
            else:
                raise fail(f"unknown directive {words[0]!r} (expected enc, current or index)")
        if not keys:
            raise ValueError("key file: no 'enc <key id> <hex>' line")
        if current is None:
            raise ValueError("key file: no 'current <key id>' line")
        if index is None:
            raise ValueError("key file: no 'index <hex>' line")
        if current[0] not in keys:
            raise ValueError(
                f"key file line {current[1]}: current key id {current[0]!r} has no 'enc' line"
            )
        try:
            return cls(keys, current[0], index[0])
        except ValueError as exc:
            raise ValueError(f"key file: {exc}") from None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Keyring:
        """``from_env_text`` on a UTF-8 file."""
        return cls.from_env_text(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def demo(cls) -> Keyring:
        """A fixed keyring for the demo and tests. DEMO ONLY, NEVER IN PRODUCTION: the keys
        are derived from public strings in this file. Its one key id is ``demo``."""

        def derive(label: str) -> bytes:
            digest = hashes.Hash(hashes.SM3())
            digest.update(f"wangge DEMO ONLY, never in production: {label}".encode())
            return digest.finalize()

        return cls(
            {"demo": derive("pii key demo")[:KEY_BYTES]},
            "demo",
            derive("blind index key"),
            is_demo=True,
        )

    # --- per-thread reusable state ---------------------------------------------------------

    def _key(self, key_id: str) -> _Key:
        key = self._keys.get(key_id)
        if key is None:
            raise PiiError(
                f"token made with key id {key_id!r}, which this keyring does not hold "
                f"(it holds {', '.join(sorted(self._keys))})"
            )
        return key

    def _ctx(self, key_id: str) -> tuple[CipherContext, HMAC]:
        """This thread's CTR context (re-nonced per value) and keyed HMAC (copied per value)."""
        local = self._local.ctx
        got = local.get(key_id)
        if got is None:
            key = self._key(key_id)
            got = local[key_id] = (key.ctr(bytes(IV_BYTES)), key.mac_base())
        return got

    def _index_base(self, kind: str) -> HMAC:
        local = self._local.index
        base = local.get(kind)
        if base is None:
            if not isinstance(kind, str) or not _KIND.fullmatch(kind):
                raise ValueError(f"blind index kind {kind!r} must match [a-z][a-z0-9_]{{0,31}}")
            base = HMAC(self._index_key, hashes.SM3())
            base.update(kind.encode("ascii") + b"\x00")
            local[kind] = base
        return base


def _parse_hex(text: str, size: int, what: str, fail: Callable[[str], ValueError]) -> bytes:
    if len(text) != 2 * size or not _HEX.fullmatch(text):
        shown = f"{len(text)} characters" if _HEX.fullmatch(text) else "non-hex characters"
        raise fail(f"{what} must be {2 * size} hex characters ({size} bytes), got {shown}")
    return bytes.fromhex(text)


# --- encryption ---------------------------------------------------------------------------------


def _seal(key_id: str, mac: HMAC, iv: bytes, ct: bytes) -> str:
    h = mac.copy()
    body = iv + ct
    h.update(body)
    blob = body + h.finalize()[:TAG_BYTES]
    return (
        key_id
        + "$"
        + binascii.b2a_base64(blob, newline=False).translate(_TO_URLSAFE).rstrip(b"=").decode()
    )


def encrypt(keyring: Keyring, plaintext: str) -> str:
    """Encrypt one value with the current key: ``<key id>$<base64url>``, different every time."""
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt() takes str, not {type(plaintext).__name__}")
    key_id = keyring.current
    ctx, mac = keyring._ctx(key_id)
    iv = os.urandom(IV_BYTES)
    ctx.reset_nonce(iv)
    return _seal(key_id, mac, iv, ctx.update(plaintext.encode("utf-8")))


def encrypt_many(keyring: Keyring, values: Sequence[str]) -> list[str]:
    """``[encrypt(keyring, v) for v in values]``, several times faster: one SM4-CTR pass per
    chunk of values (see the module docstring). Tokens decrypt with ``decrypt`` like any."""
    key_id = keyring.current
    key = keyring._key(key_id)
    _ctx, mac = keyring._ctx(key_id)
    copy = mac.copy
    b2a = binascii.b2a_base64
    mask = _COUNTER_MOD - 1
    join_with = b"\n" + key_id.encode("ascii") + b"$"
    out: list[str] = []
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        try:
            raw = [v.encode("utf-8") for v in chunk]
        except AttributeError:
            bad = next(v for v in chunk if not isinstance(v, str))
            raise TypeError(f"encrypt_many() takes str values, not {type(bad).__name__}") from None
        # Lay the values out block-aligned, at least one block each.
        blocks = [(len(b) + 15) >> 4 or 1 for b in raw]
        stream = b"".join([b.ljust(n << 4, b"\x00") for b, n in zip(raw, blocks, strict=True)])
        iv0 = os.urandom(IV_BYTES)
        ct_all = key.ctr(iv0).update(stream)
        counter = int.from_bytes(iv0, "big")
        offset = 0
        parts: list[bytes] = []
        append = parts.append
        for b, n in zip(raw, blocks, strict=True):
            body = (counter & mask).to_bytes(IV_BYTES, "big") + ct_all[offset : offset + len(b)]
            h = copy()
            h.update(body)
            append(b2a(body + h.finalize()[:TAG_BYTES], newline=False))
            counter += n
            offset += n << 4
        # base64 → base64url without padding, key id prefix: once for the whole chunk.
        text = (join_with + join_with.join(parts)).translate(_TO_URLSAFE, b"=").decode("ascii")
        out += text[1:].split("\n")
    return out


def key_id_of(token: str) -> str:
    """The key id a token was made with (no key needed). Malformed → ``PiiError``."""
    if not isinstance(token, str):
        raise PiiError(f"a token is a str, not {type(token).__name__}")
    key_id, sep, _body = token.partition("$")
    if not sep or not _KEY_ID.fullmatch(key_id):
        raise PiiError("not a personal-data token (expected '<key id>$<base64url>')")
    return key_id


def _open(keyring: Keyring, token: str) -> bytes:
    try:
        key_id, body64 = token.split("$", 1)
    except (ValueError, AttributeError):
        key_id_of(token)  # raises the right PiiError
        raise  # pragma: no cover - key_id_of raised
    state = keyring._local.ctx.get(key_id)
    if state is None:
        key_id_of(token)  # a malformed key id is "not a token", not "unknown key"
        state = keyring._ctx(key_id)
    ctx, mac = state
    try:
        raw = body64.encode("ascii")
        blob = binascii.a2b_base64(
            raw.translate(_FROM_URLSAFE) + b"=" * (-len(raw) % 4), strict_mode=True
        )
    except ValueError:  # binascii.Error, or non-ASCII text
        raise PiiError(f"token with key id {key_id!r} is not valid base64url") from None
    if len(blob) < IV_BYTES + TAG_BYTES:
        raise PiiError(f"token with key id {key_id!r} is too short to be a token")
    body, tag = blob[:-TAG_BYTES], blob[-TAG_BYTES:]
    h = mac.copy()
    h.update(body)
    if not _hmac.compare_digest(h.finalize()[:TAG_BYTES], tag):
        raise PiiError(
            f"token with key id {key_id!r} fails authentication: altered, truncated, "
            f"or made with a different key under the same id"
        )
    ctx.reset_nonce(body[:IV_BYTES])
    return ctx.update(body[IV_BYTES:])


def decrypt(keyring: Keyring, token: str) -> str:
    """The value inside a token. Unknown key id, malformed or altered token → ``PiiError``."""
    data = _open(keyring, token)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # only reachable with the right key and a bad encryptor
        raise PiiError("token decrypts to invalid UTF-8") from None


def decrypt_many(keyring: Keyring, tokens: Iterable[str]) -> list[str]:
    """``[decrypt(keyring, t) for t in tokens]``; the first bad token raises ``PiiError``."""
    return [decrypt(keyring, t) for t in tokens]


def needs_rotation(keyring: Keyring, token: str) -> bool:
    """Whether a token was made with a key other than the current one (it is not decrypted:
    a token with a key id the keyring lacks says True, and ``reencrypt`` will raise)."""
    return key_id_of(token) != keyring.current


def reencrypt(keyring: Keyring, token: str) -> str:
    """The token under the current key: unchanged if it already is, else decrypted (which
    checks it) and encrypted anew."""
    if not needs_rotation(keyring, token):
        return token
    return encrypt(keyring, decrypt(keyring, token))


# --- blind index --------------------------------------------------------------------------------


def _clean(value: str) -> str:
    """NFKC (full-width ``１３８`` → ``138``) and no whitespace, cheaply for plain input."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).replace("\u200b", "").replace("\ufeff", "")
    if not value.isalnum():
        value = "".join(value.split())  # every Unicode space
    return value


def _clean_phone(value: str) -> str:
    value = _clean(value)
    if not value.isdigit():
        value = value.replace("-", "").replace("(", "").replace(")", "")
        if value.startswith("+86"):
            return value[3:]
    if value.startswith("0086") and len(value) > 13:
        return value[4:]
    return value


def normalise(kind: str, value: str) -> str:
    """The form a value is indexed in: NFKC, no whitespace, upper case; phones also without
    ``-()`` and without a leading ``+86``/``0086``."""
    if kind == KIND_PHONE:
        return _clean_phone(value)
    return _clean(value).upper()


def blind_index(keyring: Keyring, kind: str, value: str) -> str:
    """HMAC-SM3 blind index of a value (32 hex characters), ``""`` for an empty value."""
    norm = normalise(kind, value)
    h = keyring._index_base(kind)
    if not norm:
        return ""
    h = h.copy()
    h.update(norm.encode("utf-8"))
    return h.finalize()[:INDEX_BYTES].hex()


def blind_index_many(keyring: Keyring, kind: str, values: Iterable[str]) -> list[str]:
    """``[blind_index(keyring, kind, v) for v in values]``, faster."""
    copy = keyring._index_base(kind).copy
    out: list[str] = []
    append = out.append
    for value in values:
        norm = normalise(kind, value)
        if not norm:
            append("")
            continue
        h = copy()
        h.update(norm.encode("utf-8"))
        append(h.finalize()[:INDEX_BYTES].hex())
    return out


# --- masks --------------------------------------------------------------------------------------


def _mask_middle(s: str, head: int, tail: int, hidden: tuple[int, int], max_stars: int) -> str:
    """Keep ``head`` and ``tail`` characters at most, shrinking them (the longer first) until at
    least the share ``hidden[0] / hidden[1]`` of the characters is hidden (as in the standard
    form); at most ``max_stars`` stars shown, so the mask is never longer than the standard."""
    n = len(s)
    if n == 0:
        return ""
    min_hidden = max(1, -(-n * hidden[0] // hidden[1]))
    while head + tail > n - min_hidden:
        if tail >= head:
            tail -= 1
        else:
            head -= 1
    stars = min(n - head - tail, max_stars)
    return s[:head] + "*" * stars + s[n - tail :]


def mask_id_number(value: str | None) -> str:
    """``611022199001011234`` → ``6110**********1234`` (see the module docstring)."""
    if not value:
        return ""
    s = _clean(value).upper()
    if len(s) == 18:  # the common case, shortest path
        return s[:4] + "**********" + s[14:]
    return _mask_middle(s, 4, 4, (10, 18), 10)


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; ``+86 138 1234 5678`` → ``+86 138****5678``."""
    if not value:
        return ""
    s = _clean(value)
    if s.isdigit() and len(s) == 11:  # the common case, shortest path
        return s[:3] + "****" + s[7:]
    if not s.isdigit():
        s = s.replace("-", "").replace("(", "").replace(")", "")
    country = ""
    if s.startswith("+86") and len(s) > 3:
        country, s = "+86 ", s[3:]
    elif s.startswith("0086") and len(s) > 13:
        country, s = "+86 ", s[4:]
    return country + _mask_middle(s, 3, 4, (4, 11), 4)


# Administrative levels above the village, then the levels the kept prefix ends at.
_ADDRESS_LEVELS: tuple[str, ...] = (
    *("省", "自治区", "特别行政区", "市", "自治州", "州", "盟", "地区"),
    *("县", "自治县", "区", "旗", "自治旗"),
    *("镇", "乡", "街道办事处", "街道", "苏木"),
)
_ADDRESS_TERMINAL: tuple[str, ...] = (
    *("村", "社区", "居委会", "村委会", "嘎查", "小区"),
    *("路", "街", "巷", "大道", "胡同"),
)
# Every position where a marker starts, with the longest marker there (overlapping matches).
_ADDRESS_ALT = "|".join(sorted(_ADDRESS_LEVELS + _ADDRESS_TERMINAL, key=len, reverse=True))
_ADDRESS_MARKER = re.compile(rf"(?=({_ADDRESS_ALT}))")
_ADDRESS_TERMINAL_SET = frozenset(_ADDRESS_TERMINAL)
_ADDRESS_STOP = re.compile(r"[0-9A-Za-z#*\-０-９Ａ-Ｚａ-ｚ＃＊－]")
ADDRESS_MAX_KEEP = 32
ADDRESS_FALLBACK_KEEP = 6


def _address_ends(s: str, limit: int) -> list[int]:
    """Ends of the administrative segments of ``s[:limit]``, up to a terminal level.

    A marker counts only after at least one character of name (镇安县 is a county), and not
    when another marker follows at once: then it is part of the name (商州区, 贵州省,
    北街社区)."""
    found = {m.start(): m[1] for m in _ADDRESS_MARKER.finditer(s, 0, limit)}
    ends: list[int] = []
    seg_start = 0
    for i, marker in found.items():
        if i <= seg_start:
            continue
        end = i + len(marker)
        if end in found:
            continue
        ends.append(end)
        if marker in _ADDRESS_TERMINAL_SET:
            break
        seg_start = end
    return ends


def mask_address(value: str | None) -> str:
    """``陕西省商洛市丹凤县商镇保定村3组12号`` → ``陕西省商洛市丹凤县商镇保定村****``."""
    if not value:
        return ""
    s = value if value.isalnum() else "".join(value.split())
    if not s:
        return ""
    stop = _ADDRESS_STOP.search(s)
    limit = len(s) if stop is None else stop.start()
    keep = _address_keep(s[:limit], stop is None)
    if keep == 0:
        keep = min(ADDRESS_FALLBACK_KEEP, len(s) // 2, limit)
    return s[:keep] + "****"


@lru_cache(maxsize=65536)
def _address_keep(head: str, is_whole: bool) -> int:
    """How much of ``head`` (the address up to its first digit or letter; ``is_whole`` when
    nothing follows) the levels keep, 0 if none. Cached: a county's addresses share a few
    thousand heads."""
    keep = 0
    for end in _address_ends(head, len(head)):
        if (end < len(head) or not is_whole) and end <= ADDRESS_MAX_KEEP:
            keep = end
    return keep


_MASKERS = {
    KIND_ID: mask_id_number,
    "id_number": mask_id_number,
    KIND_PHONE: mask_phone,
    KIND_ADDRESS: mask_address,
}


def mask(kind: str, value: str | None) -> str:
    """The mask for a value of a kind: ``"id"`` (or ``"id_number"``), ``"phone"``,
    ``"address"``. Another kind raises ``ValueError``."""
    try:
        masker = _MASKERS[kind]
    except KeyError:
        raise ValueError(
            f"no mask for kind {kind!r} (known: {', '.join(sorted(_MASKERS))})"
        ) from None
    return masker(value)
