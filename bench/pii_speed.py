"""Personal-data primitives (``wangge.registry.pii``): operations per second on one core.

Realistic 18-character ID numbers (Shangluo region codes, birth dates 1930-2020, valid GB 11643
check characters), mobile numbers and village addresses; SM4-CTR + HMAC-SM3 tokens, HMAC-SM3
blind index, masks. A reference row times SM4-GCM with a fresh context per value (the mode not
chosen, see the module docstring).

    .venv/bin/python bench/pii_speed.py          # 200,000 values
    .venv/bin/python bench/pii_speed.py --quick  # 20,000 values

Target: encrypt_many ≥ 150,000/s, so that 2,000,000 people (ID number, phone, address each
encrypted, ID and phone indexed, all three masked) fit well inside a 60 s import.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

from wangge.registry import pii  # noqa: E402

TARGET = 150_000
PEOPLE = 2_000_000

# 商州区 洛南县 丹凤县 商南县 山阳县 镇安县 柞水县
REGIONS = ["611002", "611021", "611022", "611023", "611024", "611025", "611026"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # GB 11643, ISO 7064 MOD 11-2
CHECK = "10X98765432"
TOWNS = ["商镇", "龙驹寨街道", "棣花镇", "竹林关镇", "土门镇", "寺坪镇", "铁峪铺镇", "武关镇"]
VILLAGES = ["保定村", "万湾村", "北街社区", "茶房村", "巩家湾村", "留仙坪村", "桃花铺村"]


def id_number(rng: random.Random) -> str:
    birth = time.gmtime(rng.randrange(-1_262_304_000, 1_609_459_200))  # 1930-01-01 … 2020
    body = (
        f"{rng.choice(REGIONS)}{birth.tm_year:04d}{birth.tm_mon:02d}{birth.tm_mday:02d}"
        f"{rng.randrange(1000):03d}"
    )
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def phone(rng: random.Random) -> str:
    return rng.choice(["130", "138", "139", "150", "155", "177", "186", "199"]) + (
        f"{rng.randrange(10**8):08d}"
    )


def address(rng: random.Random) -> str:
    return (
        f"陕西省商洛市丹凤县{rng.choice(TOWNS)}{rng.choice(VILLAGES)}"
        f"{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号"
    )


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    return seconds, n / seconds


def gcm_each(key: bytes, values: list[bytes]) -> None:
    algorithm = algorithms.SM4(key)
    for v in values:
        enc = Cipher(algorithm, modes.GCM(os.urandom(12))).encryptor()
        enc.update(v)
        enc.finalize()
        _ = enc.tag


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="20,000 values instead of 200,000")
    ap.add_argument("-n", type=int, default=None, help="number of values (overrides --quick)")
    args = ap.parse_args()
    n = args.n or (20_000 if args.quick else 200_000)

    rng = random.Random(20240611)
    ids = [id_number(rng) for _ in range(n)]
    phones = [phone(rng) for _ in range(n)]
    addresses = [address(rng) for _ in range(n)]
    ring = pii.Keyring.from_env_text(
        f"enc k1 {os.urandom(16).hex()}\ncurrent k1\nindex {os.urandom(32).hex()}\n"
    )
    # Warm the per-thread contexts so the first single call is not timed with their setup.
    pii.decrypt(ring, pii.encrypt(ring, ids[0]))
    pii.blind_index(ring, "id", ids[0])
    pii.blind_index(ring, "phone", phones[0])

    enc, dec, bi, mk = pii.encrypt, pii.decrypt, pii.blind_index, pii.mask_id_number
    tokens = pii.encrypt_many(ring, ids)
    gcm_n = min(n, 50_000)
    gcm_values = [v.encode() for v in ids[:gcm_n]]
    rows: list[tuple[str, int, float, float]] = []

    def row(name: str, fn: Callable[[], object], count: int = n) -> float:
        seconds, rate = timed(fn, count)
        rows.append((name, count, seconds, rate))
        return rate

    r_enc = row("encrypt (single calls)", lambda: [enc(ring, v) for v in ids])
    r_many = row("encrypt_many (ID numbers)", lambda: pii.encrypt_many(ring, ids))
    row("encrypt_many (phones)", lambda: pii.encrypt_many(ring, phones))
    r_many_addr = row("encrypt_many (addresses)", lambda: pii.encrypt_many(ring, addresses))
    r_dec = row("decrypt (single calls)", lambda: [dec(ring, t) for t in tokens])
    row("decrypt_many", lambda: pii.decrypt_many(ring, tokens))
    row("blind_index (single calls)", lambda: [bi(ring, "id", v) for v in ids])
    r_bi = row("blind_index_many (ID numbers)", lambda: pii.blind_index_many(ring, "id", ids))
    r_bi_ph = row("blind_index_many (phones)", lambda: pii.blind_index_many(ring, "phone", phones))
    r_mask_id = row("mask_id_number", lambda: [mk(v) for v in ids])
    r_mask_ph = row("mask_phone", lambda: [pii.mask_phone(v) for v in phones])
    r_mask_ad = row("mask_address", lambda: [pii.mask_address(v) for v in addresses])
    r_gcm = row(
        "ref: SM4-GCM, new context a value", lambda: gcm_each(os.urandom(16), gcm_values), gcm_n
    )

    print(f"wangge.registry.pii on {n:,} values (one core, Python {sys.version.split()[0]})")
    print(f"{'operation':<36} {'values':>9} {'seconds':>8} {'per second':>12} {'µs each':>8}")
    for name, count, seconds, rate in rows:
        print(f"{name:<36} {count:>9,} {seconds:>8.3f} {rate:>12,.0f} {1e6 / rate:>8.2f}")
    print(f"example token:  {tokens[0]}")
    print(
        f"example masks:  {pii.mask_id_number(ids[0])}  {pii.mask_phone(phones[0])}  "
        f"{pii.mask_address(addresses[0])}"
    )

    # One person: ID, phone and address encrypted in bulk, ID and phone indexed, all masked.
    per_person = (
        2 / r_many
        + 1 / r_many_addr
        + 1 / r_bi
        + 1 / r_bi_ph
        + 1 / r_mask_id
        + 1 / r_mask_ph
        + 1 / r_mask_ad
    )
    import_s = PEOPLE * per_person
    verdict = "OK" if r_many >= TARGET else "BELOW TARGET"
    print(
        f"SUMMARY pii_speed: encrypt_many {r_many:,.0f}/s (target ≥{TARGET:,}/s: {verdict}), "
        f"encrypt {r_enc:,.0f}/s, decrypt {r_dec:,.0f}/s, blind_index_many {r_bi:,.0f}/s, "
        f"SM4-GCM per value {r_gcm:,.0f}/s; {PEOPLE:,} people's crypto+masks ≈ {import_s:.1f} s "
        f"on one core"
    )


if __name__ == "__main__":
    main()
