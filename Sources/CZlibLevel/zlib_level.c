// Interposes zlib's `deflateInit2_` so that the reports can ask for a faster deflate level.
//
// Why: libxlsxwriter 1.1.4 zips every xlsx part through minizip (libminizip.so.1), which
// starts each deflate stream at zlib's default level 6 and offers no way to choose another.
// At 50,000 cadres the reports are about 800 MB of XML, and level 6 spends ~9 CPU seconds on
// it; level 1 compresses the same XML 3x faster for files about a quarter larger.
//
// How: the jifen executables export this `deflateInit2_` (linker flag
// `--export-dynamic-symbol=deflateInit2_`, set by this target). The dynamic linker looks a
// symbol up in the executable before any library, so minizip's call lands here; we call
// zlib's own function, found with `dlsym(RTLD_NEXT, …)`, changing only the level, and only
// when the calling thread asked for it (`jifen_zlib_level_set`) and the caller wanted the
// default level. Everything else — other threads, ZIPFoundation when nobody asked, explicit
// levels — passes through unchanged, so when the symbol is not exported (another linker, a
// static zlib) nothing breaks: the files are just written at level 6.
// The output of a given zlib version and level is deterministic, so the same inputs still give
// the same bytes; any deflate level reads back with every inflate.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <zlib.h>

#include "zlib_level.h"

typedef int (*deflate_init2_fn)(z_streamp, int, int, int, int, int, const char *, int);

static _Thread_local int requested_level = -1;
static deflate_init2_fn real_deflate_init2;
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static atomic_long interposed_count;

static void resolve(void) {
    real_deflate_init2 = (deflate_init2_fn)dlsym(RTLD_NEXT, "deflateInit2_");
}

void jifen_zlib_level_set(int level) {
    requested_level = (level >= 0 && level <= 9) ? level : -1;
}

long jifen_zlib_level_interposed(void) {
    return atomic_load(&interposed_count);
}

int deflateInit2_(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy,
                  const char *version, int stream_size) {
    pthread_once(&resolve_once, resolve);
    if (real_deflate_init2 == NULL) {
        // No zlib after us: nothing we can call. zlib's own error for an unusable library.
        return Z_VERSION_ERROR;
    }
    atomic_fetch_add(&interposed_count, 1);
    if (requested_level >= 0 && level == Z_DEFAULT_COMPRESSION) {
        level = requested_level;
    }
    return real_deflate_init2(strm, level, method, windowBits, memLevel, strategy, version, stream_size);
}
