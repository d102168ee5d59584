#!/usr/bin/env python3
"""Generates engine/tokenizer/unicode_tables.cpp from the Unicode Character Database.

Run once (or when moving to a newer Unicode version) and commit the output:

    apt-get install -y unicode-data      # Debian 12: Unicode 15.0.0
    python3 scripts/gen_unicode_tables.py /usr/share/unicode/UnicodeData.txt \
        > engine/tokenizer/unicode_tables.cpp

Not needed at build time. What the tables hold (see engine/tokenizer/unicode_tables.h):
  * kPropRanges: (first code point, property byte) runs covering U+0000..U+10FFFF. The byte is
    the general-category group in bits 0-2 (0 unassigned, 1 N*, 2 L*, 3 Z*, 4 M*, 5 P*, 6 S*,
    7 C* other than Cn), bit 3 White_Space (the PropList.txt set), bit 4 "has a simple
    lowercase mapping", bit 5 "its canonical decomposition starts with another code point".
  * kLowercase: (code point, simple lowercase mapping) pairs from field 13, sorted.
  * kNfdFirst: (first, last, value) runs: the first code point of the full canonical
    decomposition (NFD, canonical ordering applied, Hangul syllables decomposed
    algorithmically), for every code point where it differs from the code point itself.
"""
import re
import sys

MAX_CP = 0x110000

# White_Space from PropList.txt (stable since Unicode 6.3).
WHITE_SPACE = set(range(0x09, 0x0E)) | set(range(0x2000, 0x200B)) | {
    0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}

GROUP = {'N': 1, 'L': 2, 'Z': 3, 'M': 4, 'P': 5, 'S': 6, 'C': 7}


def read_ucd(path):
    cat = {}
    lower = {}
    decomp = {}
    ccc = {}
    first = None
    with open(path, encoding='ascii') as f:
        for line in f:
            fields = line.rstrip('\n').split(';')
            cp = int(fields[0], 16)
            name, gc = fields[1], fields[2]
            if name.endswith(', First>'):
                first = cp
                continue
            start = first if name.endswith(', Last>') else cp
            first = None
            for c in range(start, cp + 1):
                cat[c] = gc
                if fields[3] != '0':
                    ccc[c] = int(fields[3])
            if fields[5] and not fields[5].startswith('<'):
                decomp[cp] = [int(x, 16) for x in fields[5].split()]
            if fields[13]:
                lower[cp] = int(fields[13], 16)
    return cat, lower, decomp, ccc


def full_decomposition(cp, decomp):
    if 0xAC00 <= cp <= 0xD7A3:  # Hangul syllables: L V (T)
        s = cp - 0xAC00
        out = [0x1100 + s // 588, 0x1161 + (s % 588) // 28]
        if s % 28:
            out.append(0x11A7 + s % 28)
        return out
    if cp not in decomp:
        return [cp]
    out = []
    for part in decomp[cp]:
        out.extend(full_decomposition(part, decomp))
    return out


def canonical_order(cps, ccc):
    # Stable sort of every run of non-starters by combining class.
    out = list(cps)
    i = 0
    while i < len(out):
        if ccc.get(out[i], 0) == 0:
            i += 1
            continue
        j = i
        while j < len(out) and ccc.get(out[j], 0) != 0:
            j += 1
        out[i:j] = sorted(out[i:j], key=lambda c: ccc.get(c, 0))
        i = j
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else '/usr/share/unicode/UnicodeData.txt'
    cat, lower, decomp, ccc = read_ucd(path)
    version = 'Unicode (version unknown)'
    try:
        with open(path.rsplit('/', 1)[0] + '/ReadMe.txt', encoding='utf-8') as f:
            m = re.search(r'Version ([0-9.]+) of the Unicode Standard', f.read())
            if m:
                version = 'Unicode ' + m.group(1)
    except OSError:
        pass

    nfd_first = {}
    for cp in list(decomp.keys()) + list(range(0xAC00, 0xD7A4)):
        d = canonical_order(full_decomposition(cp, decomp), ccc)
        if d[0] != cp:
            nfd_first[cp] = d[0]

    props = bytearray(MAX_CP)
    for cp in range(MAX_CP):
        gc = cat.get(cp, 'Cn')
        p = 0 if gc == 'Cn' else GROUP[gc[0]]
        if cp in WHITE_SPACE:
            p |= 0x08
        if cp in lower:
            p |= 0x10
        if cp in nfd_first:
            p |= 0x20
        props[cp] = p

    ranges = [(0, props[0])]
    for cp in range(1, MAX_CP):
        if props[cp] != ranges[-1][1]:
            ranges.append((cp, props[cp]))

    nfd_ranges = []
    for cp in sorted(nfd_first):
        v = nfd_first[cp]
        if nfd_ranges and nfd_ranges[-1][1] == cp - 1 and nfd_ranges[-1][2] == v:
            nfd_ranges[-1][1] = cp
        else:
            nfd_ranges.append([cp, cp, v])

    w = sys.stdout.write
    w('// GENERATED FILE - do not edit. Made by scripts/gen_unicode_tables.py from UnicodeData.txt\n')
    w('// (%s; Debian package unicode-data). See unicode_tables.h for the layout.\n' % version)
    w('#include "engine/tokenizer/unicode_tables.h"\n\n')
    w('namespace pw::tokenizer::unicode_data {\n\n')
    w('const char kUnicodeVersion[] = "%s";\n\n' % version.replace('"', ''))
    w('const PropRange kPropRanges[] = {\n')
    for i in range(0, len(ranges), 6):
        w('   ' + ''.join(' {0x%05X, 0x%02X},' % r for r in ranges[i:i + 6]) + '\n')
    w('};\nconst size_t kPropRangeCount = sizeof(kPropRanges) / sizeof(kPropRanges[0]);\n\n')
    pairs = sorted(lower.items())
    w('const CodepointPair kLowercase[] = {\n')
    for i in range(0, len(pairs), 6):
        w('   ' + ''.join(' {0x%05X, 0x%05X},' % p for p in pairs[i:i + 6]) + '\n')
    w('};\nconst size_t kLowercaseCount = sizeof(kLowercase) / sizeof(kLowercase[0]);\n\n')
    w('const NfdRange kNfdFirst[] = {\n')
    for i in range(0, len(nfd_ranges), 4):
        w('   ' + ''.join(' {0x%05X, 0x%05X, 0x%05X},' % tuple(r) for r in nfd_ranges[i:i + 4]) + '\n')
    w('};\nconst size_t kNfdFirstCount = sizeof(kNfdFirst) / sizeof(kNfdFirst[0]);\n\n')
    w('}  // namespace pw::tokenizer::unicode_data\n')
    sys.stderr.write('ranges %d, lowercase %d, nfd ranges %d\n' % (len(ranges), len(pairs), len(nfd_ranges)))


if __name__ == '__main__':
    main()
