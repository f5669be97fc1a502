#include "field_columns.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static uint8_t *put_uint(uint8_t *o, uint64_t v) {
    while (v >= 0x80) {
        *o++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *o++ = (uint8_t)v;
    return o;
}

size_t jifen_split_columns(const uint8_t *in, size_t n, uint8_t line, uint8_t field, size_t max_columns,
                           uint32_t *scratch, uint8_t *out) {
    if (max_columns > 64) max_columns = 64;
    // Where every separator is, sixteen bytes at a time; then the end of the last line.
    size_t m = 0, i = 0;
#if defined(__SSE2__)
    const __m128i lines = _mm_set1_epi8((char)line), fields = _mm_set1_epi8((char)field);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(in + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lines), _mm_cmpeq_epi8(v, fields)));
        while (mask) {
            scratch[m++] = (uint32_t)(i + (size_t)__builtin_ctz(mask));
            mask &= mask - 1;
        }
    }
#endif
    for (; i < n; i++) {
        if (in[i] == line || in[i] == field) scratch[m++] = (uint32_t)i;
    }
    scratch[m++] = (uint32_t)n;

    // Each column's length and the number of lines.
    size_t lengths[64] = {0};
    size_t lineCount = 0, width = 0, k = 0, start = 0;
    for (size_t j = 0; j < m; j++) {
        size_t at = scratch[j];
        lengths[k] += at - start + 1;
        if (at == n || in[at] == line) {
            lineCount++;
            if (k + 1 > width) width = k + 1;
            k = 0;
        } else if (++k == max_columns) {
            return 0;
        }
        start = at + 1;
    }

    uint8_t *o = put_uint(out, lineCount);
    o = put_uint(o, width);
    for (size_t c = 0; c < width; c++) o = put_uint(o, lengths[c]);
    uint8_t *counts = o;
    uint8_t *column[64];
    uint8_t *next = counts + lineCount;
    for (size_t c = 0; c < width; c++) {
        column[c] = next;
        next += lengths[c];
    }

    k = 0;
    start = 0;
    for (size_t j = 0; j < m; j++) {
        size_t at = scratch[j];
        size_t length = at - start;
        if (length) memcpy(column[k], in + start, length);
        column[k][length] = line;
        column[k] += length + 1;
        if (at == n || in[at] == line) {
            *counts++ = (uint8_t)(k + 1);
            k = 0;
        } else {
            k++;
        }
        start = at + 1;
    }
    return (size_t)(next - out);
}
