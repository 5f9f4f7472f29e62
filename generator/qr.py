"""QR codes for program page URLs, fast enough to make 20,000 in a build.

segno (the library the site otherwise uses) takes about 1 ms a code, mostly placing bits one module at a time in
pure Python. This module reads segno's internals (encoder and consts), so segno is pinned in pyproject.toml. Every page URL is byte-mode text at error level M with a fixed mask, and everything else about a code
is linear in its bytes, so it is worked out once per version and kept in tables:

- Reed-Solomon error correction is linear over GF(2): each block's check bytes are the XOR of one table entry per
  data byte (position, value), computed once from segno's generator polynomials.
- Placing a bit flips one module of the masked template (function patterns, format and version information from
  segno's own pattern functions); the flips of each message byte's two nibbles are precomputed as big integers.

A code then costs about 150 integer XORs. The SVG path is written from the same integer a byte (8 modules) at a
time. `matrix(text)` scans back to `text` at error level M (tests/test_referral.py decodes hundreds with zxing-cpp
and compares the function patterns with segno's); text that is not Latin-1 is encoded by segno.
"""

from __future__ import annotations

from functools import cache
from itertools import chain, zip_longest

import segno
from segno import consts
from segno import encoder as _seg

ERROR = consts.ERROR_LEVEL_M
MASK = 2  # (column % 3 == 0) -> invert: cheap, and any mask scans


@cache
def _layout(version: int):
    """(template int, nibble flip tables, width, row stride in bits) for one version.

    Module (i, j) is bit `i * stride + (stride - 1 - j)` counted from the least significant end of each row, so
    a row's bytes, most significant first, read left to right.
    """
    width = _seg.calc_matrix_size(version)
    stride = (width + 7) // 8 * 8
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
        m[i][j] = 1 if j % 3 == 0 else 0  # mask 2 applied to all-zero data
    _seg.add_format_info(m, version, ERROR, MASK)
    _seg.add_version_info(m, version)
    total_rows = width

    def bit(i: int, j: int) -> int:
        return 1 << ((total_rows - 1 - i) * stride + (stride - 1 - j))

    template = 0
    for i in range(width):
        for j in range(width):
            if m[i][j]:
                template |= bit(i, j)
    flips = [bit(i, j) for i, j in order]  # one per message bit, most significant bit of each byte first
    n_bytes = len(order) // 8
    high, low = [], []
    for k in range(n_bytes):
        base = 8 * k
        high.append(tuple(_combine(flips[base : base + 4], v) for v in range(16)))
        low.append(tuple(_combine(flips[base + 4 : base + 8], v) for v in range(16)))
    return template, high, low, width, stride


def _combine(flips: list[int], nibble: int) -> int:
    out = 0
    for b in range(4):
        if nibble & (0x8 >> b):
            out ^= flips[b]
    return out


_EXP = consts.GALIOS_EXP
_LOG = consts.GALIOS_LOG


def _ecc_slow(block: bytes, n_ecc: int) -> bytes:
    """Reed-Solomon check bytes of one block by synthetic division over GF(256) (used to fill the tables)."""
    gen = consts.GEN_POLY[n_ecc]
    rem = bytearray(block) + bytearray(n_ecc)
    for k in range(len(block)):
        coef = rem[k]
        if coef:
            lcoef = _LOG[coef]
            for n, g in enumerate(gen):
                rem[k + n + 1] ^= _EXP[lcoef + g]
    return bytes(rem[len(block) :])


@cache
def _ecc_table(n_data: int, n_ecc: int) -> tuple[tuple[int, ...], ...]:
    """table[k][v]: check bytes (as an int) contributed by value v at data position k."""
    table = []
    for k in range(n_data):
        units = []
        for b in range(8):
            block = bytearray(n_data)
            block[k] = 1 << b
            units.append(int.from_bytes(_ecc_slow(bytes(block), n_ecc), "big"))
        row = [0] * 256
        for v in range(1, 256):
            low_bit = v & -v
            row[v] = row[v ^ low_bit] ^ units[low_bit.bit_length() - 1]
        table.append(tuple(row))
    return tuple(table)


def _ecc(block: bytes, n_ecc: int) -> bytes:
    table = _ecc_table(len(block), n_ecc)
    acc = 0
    for k, v in enumerate(block):
        acc ^= table[k][v]
    return acc.to_bytes(n_ecc, "big")


def _version_for(n_bytes: int) -> int:
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * n_bytes <= consts.SYMBOL_CAPACITY[version][ERROR]:
            return version
    raise ValueError(f"{n_bytes} bytes do not fit in a QR code at error level M")


def _codewords(data: bytes, version: int) -> bytes:
    """Mode, length, data, terminator and padding (ISO/IEC 18004:2015 7.4)."""
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
            block = words[pos : pos + info.num_data]
            pos += info.num_data
            blocks.append(block)
            eccs.append(_ecc(block, info.num_total - info.num_data))
    out = bytearray()
    for group in (blocks, eccs):
        if len(group) == 1:
            out += group[0]
        else:
            out += bytes(x for x in chain.from_iterable(zip_longest(*group)) if x is not None)
    return bytes(out)


def code(text: str) -> tuple[int, int, int] | None:
    """(modules as an int, width, row stride in bits), or None for text segno must encode."""
    try:
        data = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return None
    version = _version_for(len(data))
    modules, high, low, width, stride = _layout(version)
    for k, byte in enumerate(_message(data, version)):
        if byte:
            modules ^= high[k][byte >> 4] ^ low[k][byte & 15]
    return modules, width, stride


def row_bytes(text: str) -> tuple[list[bytes], int]:
    """Each row packed 8 modules to a byte (most significant first, zero-padded on the right), and the width."""
    made = code(text)
    if made is None:
        matrix = segno.make_qr(text, error="m", mask=MASK, mode="byte", boost_error=False).matrix
        width = len(matrix)
        stride = (width + 7) // 8 * 8
        rows = []
        for r in matrix:
            value = int("".join("1" if v else "0" for v in r).ljust(stride, "0"), 2)
            rows.append(value.to_bytes(stride // 8, "big"))
        return rows, width
    modules, width, stride = made
    packed = modules.to_bytes(width * stride // 8, "big")
    step = stride // 8
    return [packed[i : i + step] for i in range(0, len(packed), step)], width


def matrix(text: str) -> list[bytes]:
    """QR code rows (one byte per module, 1 = dark) for `text`: byte mode, error level M, mask 2."""
    rows, width = row_bytes(text)
    return [bytes((row[j >> 3] >> (7 - (j & 7))) & 1 for j in range(width)) for row in rows]
