#ifndef JIFEN_CSUPPORT_H
#define JIFEN_CSUPPORT_H

/// Asks the CPU to start loading the cache line at `address` for writing. Swift has no
/// prefetch of its own; the duplicate-key table of a ten-million-row file is far larger
/// than any cache, so its probe is started as soon as a row's key is hashed and the rest
/// of the row is decoded while the line is on its way.
static inline void jifen_prefetch_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
