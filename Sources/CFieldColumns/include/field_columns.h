#ifndef JIFEN_FIELD_COLUMNS_H
#define JIFEN_FIELD_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

/// The bytes `out` must hold for an input of `n` bytes.
static inline size_t jifen_columns_bound(size_t n) { return 2 * n + 1024; }

/// Splits `in[0..n)` into lines at the byte `line` and fields at the byte `field`, and lays
/// the fields out by column as Sources/Store/FieldColumns.swift describes:
///   uint(lines) uint(columns) uint(length)*columns  count:u8*lines  column*
/// where column k is the k-th field of every line that has more than k, each followed by
/// the `line` byte. `scratch` holds n + 1 uint32 (n < 2^32); `out` holds
/// `jifen_columns_bound(n)` bytes. Returns the bytes written to `out`, or 0 when a line has
/// more than `max_columns` (at most 64) fields.
size_t jifen_split_columns(const uint8_t *in, size_t n, uint8_t line, uint8_t field, size_t max_columns,
                           uint32_t *scratch, uint8_t *out);

#endif
