"""QR codes for program page URLs, fast enough to make 20,000 in a build.

segno (the library the site otherwise uses) spends about 1 ms on each code, mostly placing bits one module at a
time in pure Python. Every page URL is byte-mode text at error level M with a fixed mask, so almost everything
about a code depends only on its version: the function patterns, the format and version information, and the
order in which data bits fill the free modules. That layout is worked out once per version (from segno's own
pattern functions), and each URL then costs one Reed-Solomon pass and one XOR per data bit.

`matrix(text)` returns exactly the rows `segno.make_qr(text, error="m", mask=2, mode="byte", boost_error=False)`
would (tests/test_referral.py compares the two over hundreds of URLs); text that is not Latin-1 goes to segno.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from segno import consts
from segno import encoder as _seg

ERROR = consts.ERROR_LEVEL_M
MASK = 2  # (column % 3 == 0) -> invert: cheap, and any mask scans


def _mask_bit(i: int, j: int) -> int:
    return 1 if j % 3 == 0 else 0


@lru_cache(maxsize=None)
def _layout(version: int) -> tuple[tuple[bytes, ...], tuple[int, ...], int]:
    """(masked template rows with all data bits 0, flat index of each data module in bit order, width)."""
    width = _seg.calc_matrix_size(version)
    m = _seg.make_matrix(width, width)
    _seg.add_finder_patterns(m, width, width)
    _seg.add_alignment_patterns(m, width, width)
    # Free modules (0x2), visited two columns at a time from the right, alternately up and down
    # (ISO/IEC 18004:2015 7.7.3); column 6 holds the vertical timing pattern and is skipped.
    order: list[tuple[int, int]] = []
    upwards = True
    right = width - 1
    while right > 0:
        if right == 6:
            right -= 1
        rows = range(width - 1, -1, -1) if upwards else range(width)
        for i in rows:
            for j in (right, right - 1):
                if m[i][j] == 0x2:
                    order.append((i, j))
        upwards = not upwards
        right -= 2
    for i, j in order:
        m[i][j] = _mask_bit(i, j)
    _seg.add_format_info(m, version, ERROR, MASK)
    _seg.add_version_info(m, version)
    rows = tuple(bytes(r) for r in m)
    return rows, tuple(i * width + j for i, j in order), width


_EXP = consts.GALIOS_EXP
_LOG = consts.GALIOS_LOG


def _ecc(block: bytes, n_ecc: int) -> bytearray:
    """Reed-Solomon error correction codewords of one block (synthetic division over GF(256))."""
    gen = consts.GEN_POLY[n_ecc]
    rem = bytearray(block) + bytearray(n_ecc)
    for k in range(len(block)):
        coef = rem[k]
        if coef:
            lcoef = _LOG[coef]
            for n, g in enumerate(gen):
                rem[k + n + 1] ^= _EXP[lcoef + g]
    return rem[len(block):]


def _version_for(n_bytes: int) -> int:
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * n_bytes <= consts.SYMBOL_CAPACITY[version][ERROR]:
            return version
    raise ValueError(f"{n_bytes} bytes do not fit in a QR code at error level M")


def _codewords(data: bytes, version: int) -> bytes:
    capacity = consts.SYMBOL_CAPACITY[version][ERROR]  # data bits
    count_bits = 8 if version < 10 else 16
    bits = (0b0100 << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    length = 4 + count_bits + 8 * len(data)
    terminator = min(4, capacity - length)
    bits <<= terminator
    length += terminator
    pad_bits = -length % 8
    bits <<= pad_bits
    length += pad_bits
    words = bits.to_bytes(length // 8, "big")
    pad = capacity // 8 - len(words)
    return words + (b"\xec\x11" * (pad // 2 + 1))[:pad]


def _message(data: bytes, version: int) -> bytes:
    """Data and error correction codewords, interleaved block by block (ISO/IEC 18004:2015 7.6)."""
    words = _codewords(data, version)
    blocks, eccs, pos = [], [], 0
    for info in consts.ECC[version][ERROR]:
        for _ in range(info.num_blocks):
            block = words[pos:pos + info.num_data]
            pos += info.num_data
            blocks.append(block)
            eccs.append(_ecc(block, info.num_total - info.num_data))
    out = bytearray()
    for group in (blocks, eccs):
        for k in range(max(len(b) for b in group)):
            out.extend(b[k] for b in group if k < len(b))
    return bytes(out)


# Offsets (0 = most significant) of the set bits of every byte value.
_SET_BITS = tuple(tuple(o for o in range(8) if b & (0x80 >> o)) for b in range(256))


def matrix(text: str) -> list[bytes]:
    """QR code rows (1 = dark) for `text`, byte mode, error level M, mask 2."""
    try:
        data = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        code = segno.make_qr(text, error="m", mask=MASK, mode="byte", boost_error=False)
        return [bytes(r) for r in code.matrix]
    version = _version_for(len(data))
    rows, order, width = _layout(version)
    flat = bytearray(b"".join(rows))
    message = _message(data, version)
    for k, byte in enumerate(message):
        if byte:
            base = 8 * k
            for offset in _SET_BITS[byte]:
                flat[order[base + offset]] ^= 1
    return [bytes(flat[r * width:(r + 1) * width]) for r in range(width)]
