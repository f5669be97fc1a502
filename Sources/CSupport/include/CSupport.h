#ifndef JIFEN_CSUPPORT_H
#define JIFEN_CSUPPORT_H

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

/// Asks the CPU to start loading the cache line at `address` for writing. Swift has no
/// prefetch of its own; the duplicate-key table of a ten-million-row file is far larger
/// than any cache, so its probe is started as soon as a row's key is hashed and the rest
/// of the row is decoded while the line is on its way.
static inline void jifen_prefetch_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/// Returns the heap's free memory to the kernel (glibc's `malloc_trim`, which Swift's Glibc
/// module does not export). Called between a batch's stages, when scoring has freed what
/// it no longer needs, so the peak resident memory is what is live.
static inline void jifen_release_free_memory(void) {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/// Swaps two paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`, which Swift's
/// Glibc module does not export): a month's report folder is replaced whole, so a reader
/// or a crash sees the old set or the new set, never a mix. Returns 0, or -1 with errno
/// set (EINVAL or ENOSYS where the file system or kernel cannot exchange).
static inline int jifen_exchange_paths(const char *a, const char *b) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/// Starts an inflate stream for raw deflate data (zip compression method 8, no zlib
/// header); the xlsx reader inflates parts itself (see `ZipArchive`). zlib's
/// `inflateInit2` is a macro, which Swift cannot call.
static inline int jifen_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -MAX_WBITS);
}

/// Starts a raw deflate stream at `level`: the tests build workbooks (and zip bombs) with it.
static inline int jifen_deflate_init_raw(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}

#endif
