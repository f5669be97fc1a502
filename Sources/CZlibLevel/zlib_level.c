// Interposes zlib's `deflateInit2_`, `deflate` and `deflateEnd` so that the reports deflate
// faster than libxlsxwriter lets them.
//
// Why: libxlsxwriter 1.1.4 zips every xlsx part through minizip (libminizip.so.1), which
// starts each deflate stream at zlib's default level 6 and offers no way to choose another.
// At 50,000 cadres a month's reports are about 800 MB of XML and a year's about 650 MB.
// Level 6 spent ~9 CPU seconds on it; zlib's level 1 compresses the same XML 3x faster for
// files about a quarter larger; libdeflate's level 1 is twice as fast again as zlib's level 1
// (about 530 MB/s against 250 MB/s on a 43 MB sheet here) and its output is 7% smaller.
//
// How: the jifen executables export these three symbols (linker flags set by this target).
// The dynamic linker looks a symbol up in the executable before any library, so minizip's
// calls land here. A stream started while the calling thread asked for a level
// (`jifen_zlib_level_set`) by a caller that wanted zlib's default level is *ours*:
// - for a raw deflate stream (negative window bits, as zip entries are) with libdeflate, we
//   keep its input as it comes (`deflate(…, Z_NO_FLUSH)` consumes it all and writes
//   nothing), compress it in one call to libdeflate at `Z_FINISH`, and hand the output out
//   over as many `Z_FINISH` calls as the caller's buffer needs, keeping `total_in`,
//   `total_out`, `avail_*` and `next_*` as zlib would. A part is held whole in memory while
//   it is written, up to 16 MB: a larger one (a county-wide sheet at province scale) goes on
//   to zlib's stream at the same level, the bytes held first, so memory stays bounded. Flushes
//   other than Z_NO_FLUSH and Z_FINISH (which minizip never asks for) give Z_STREAM_ERROR,
//   zlib's own answer to a request it cannot serve;
// - otherwise zlib's stream at the asked level.
// Everything else — other threads, streams started outside the reports, explicit levels —
// goes to zlib itself (found with `dlsym(RTLD_NEXT, …)`), unchanged. When the symbols are not
// exported (another linker, a static zlib) nothing breaks: the files are written at level 6.
// libdeflate's output for a given version and level is deterministic, like zlib's, so the same
// inputs still give the same bytes; every inflate reads it.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "zlib_level.h"

typedef int (*deflate_init2_fn)(z_streamp, int, int, int, int, int, const char *, int);
typedef int (*deflate_fn)(z_streamp, int);
typedef int (*deflate_end_fn)(z_streamp);

static _Thread_local int requested_level = -1;
static deflate_init2_fn real_deflate_init2;
static deflate_fn real_deflate;
static deflate_end_fn real_deflate_end;
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;
static atomic_long interposed_count;
static _Thread_local long emulated_here;

static void resolve(void) {
    real_deflate_init2 = (deflate_init2_fn)dlsym(RTLD_NEXT, "deflateInit2_");
    real_deflate = (deflate_fn)dlsym(RTLD_NEXT, "deflate");
    real_deflate_end = (deflate_end_fn)dlsym(RTLD_NEXT, "deflateEnd");
}

// A stream compressed by libdeflate: its input so far, then its output being handed out.
// A stream whose input grows past `whole_limit` before it finishes goes to zlib instead (the
// buffered input first, then the rest as it comes), so that no more than that is ever held.
struct whole_stream {
    z_streamp strm;
    int level;
    unsigned char *in;
    size_t in_len, in_cap;
    unsigned char *out;  // non-NULL once compressed
    size_t out_len, out_pos;
    int to_zlib;         // handed to zlib: `in[in_pos..<in_len]` still to feed it
    size_t in_pos;
    struct whole_stream *next;
};

static const size_t whole_limit = (size_t)16 << 20;

// Few streams are open at once (one per thread writing a workbook); a list under a lock.
static pthread_mutex_t streams_lock = PTHREAD_MUTEX_INITIALIZER;
static struct whole_stream *streams;
static atomic_long open_streams;

static struct whole_stream *find(z_streamp strm, int unlink) {
    if (atomic_load_explicit(&open_streams, memory_order_acquire) == 0) return NULL;
    pthread_mutex_lock(&streams_lock);
    struct whole_stream **p = &streams;
    while (*p && (*p)->strm != strm) p = &(*p)->next;
    struct whole_stream *found = *p;
    if (found && unlink) {
        *p = found->next;
        atomic_fetch_sub(&open_streams, 1);
    }
    pthread_mutex_unlock(&streams_lock);
    return found;
}

static void release(struct whole_stream *s) {
    free(s->in);
    free(s->out);
    free(s);
}

void jifen_zlib_level_set(int level) {
    requested_level = (level >= 0 && level <= 9) ? level : -1;
}

long jifen_zlib_level_interposed(void) {
    return atomic_load(&interposed_count);
}

long jifen_zlib_whole_streams(void) {
    return emulated_here;
}

int deflateInit2_(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy,
                  const char *version, int stream_size) {
    pthread_once(&resolve_once, resolve);
    if (real_deflate_init2 == NULL || real_deflate == NULL || real_deflate_end == NULL) {
        // No zlib after us: nothing we can call. zlib's own error for an unusable library.
        return Z_VERSION_ERROR;
    }
    atomic_fetch_add(&interposed_count, 1);
    int ours = requested_level >= 0 && level == Z_DEFAULT_COMPRESSION;
    if (ours) level = requested_level;
    // zlib's stream is started in every case: it checks the arguments as zlib does, and
    // deflateEnd has a stream to end.
    int status = real_deflate_init2(strm, level, method, windowBits, memLevel, strategy, version, stream_size);
    if (status != Z_OK || !ours || windowBits > -8 || windowBits < -15 || method != Z_DEFLATED) return status;
    struct whole_stream *s = calloc(1, sizeof *s);
    if (s == NULL) return status;  // zlib's stream serves
    s->strm = strm;
    s->level = level < 1 ? 1 : level;
    pthread_mutex_lock(&streams_lock);
    s->next = streams;
    streams = s;
    atomic_fetch_add(&open_streams, 1);
    pthread_mutex_unlock(&streams_lock);
    return status;
}

// Hands out what fits of the compressed bytes.
static int hand_out(z_streamp strm, struct whole_stream *s) {
    size_t n = s->out_len - s->out_pos;
    if (n > strm->avail_out) n = strm->avail_out;
    if (n > 0) {
        memcpy(strm->next_out, s->out + s->out_pos, n);
        s->out_pos += n;
        strm->next_out += n;
        strm->avail_out -= (uInt)n;
        strm->total_out += n;
    }
    return s->out_pos == s->out_len ? Z_STREAM_END : Z_OK;
}

// A stream handed to zlib: feeds it what was buffered (as much as the caller's output buffer
// takes), then the caller's own input. `total_in` counted the buffered bytes when they came.
static int to_zlib(z_streamp strm, struct whole_stream *s, int flush) {
    while (s->in_pos < s->in_len) {
        if (strm->avail_out == 0) return Z_OK;  // the caller empties its buffer and calls again
        z_const Bytef *next_in = strm->next_in;
        uInt avail_in = strm->avail_in;
        uLong total_in = strm->total_in;
        size_t left = s->in_len - s->in_pos;
        uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
        strm->next_in = s->in + s->in_pos;
        strm->avail_in = chunk;
        int status = real_deflate(strm, Z_NO_FLUSH);
        s->in_pos += chunk - strm->avail_in;
        strm->next_in = next_in;
        strm->avail_in = avail_in;
        strm->total_in = total_in;
        if (status != Z_OK && status != Z_BUF_ERROR) return status;
    }
    if (s->in != NULL) {
        free(s->in);
        s->in = NULL;
        s->in_len = s->in_cap = s->in_pos = 0;
    }
    // No room left (the last of what was held filled the caller's buffer), or nothing more to
    // take and nothing to finish: progress was made, where zlib itself would answer
    // Z_BUF_ERROR, which callers take for a failure. The caller empties its buffer and calls
    // again.
    if (strm->avail_out == 0 || (strm->avail_in == 0 && flush == Z_NO_FLUSH)) return Z_OK;
    return real_deflate(strm, flush);
}

int deflate(z_streamp strm, int flush) {
    pthread_once(&resolve_once, resolve);
    struct whole_stream *s = find(strm, 0);
    if (s == NULL) return real_deflate(strm, flush);
    if (s->to_zlib) return to_zlib(strm, s, flush);
    if (flush != Z_NO_FLUSH && flush != Z_FINISH) return Z_STREAM_ERROR;
    if (s->out != NULL) {
        // Compressed already: only Z_FINISH may follow, with no more input.
        if (flush != Z_FINISH || strm->avail_in != 0) return Z_STREAM_ERROR;
        if (strm->avail_out == 0) return Z_BUF_ERROR;
        return hand_out(strm, s);
    }
    if (strm->avail_in > 0) {
        if (strm->next_in == NULL) return Z_STREAM_ERROR;
        size_t need = s->in_len + strm->avail_in;
        if (need > s->in_cap) {
            size_t cap = s->in_cap ? s->in_cap : 1 << 16;
            while (cap < need) cap *= 2;
            unsigned char *grown = realloc(s->in, cap);
            if (grown == NULL) return Z_MEM_ERROR;
            s->in = grown;
            s->in_cap = cap;
        }
        memcpy(s->in + s->in_len, strm->next_in, strm->avail_in);
        s->in_len += strm->avail_in;
        strm->total_in += strm->avail_in;
        strm->next_in += strm->avail_in;
        strm->avail_in = 0;
    }
    if (s->in_len > whole_limit) {
        // Too large to hold whole: zlib (at the level asked for) takes it from here.
        s->to_zlib = 1;
        return to_zlib(strm, s, flush);
    }
    if (flush == Z_NO_FLUSH) return Z_OK;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(s->level);
    if (c == NULL) return Z_MEM_ERROR;
    size_t bound = libdeflate_deflate_compress_bound(c, s->in_len);
    s->out = malloc(bound ? bound : 1);
    if (s->out == NULL) {
        libdeflate_free_compressor(c);
        return Z_MEM_ERROR;
    }
    s->out_len = libdeflate_deflate_compress(c, s->in, s->in_len, s->out, bound);
    libdeflate_free_compressor(c);
    emulated_here += 1;
    free(s->in);
    s->in = NULL;
    s->in_len = s->in_cap = 0;
    // libdeflate writes an empty input as an empty final block; a bound-sized buffer always fits.
    if (s->out_len == 0) return Z_STREAM_ERROR;
    if (strm->avail_out == 0) return Z_OK;
    return hand_out(strm, s);
}

int deflateEnd(z_streamp strm) {
    pthread_once(&resolve_once, resolve);
    struct whole_stream *s = find(strm, 1);
    if (s != NULL) release(s);
    return real_deflate_end(strm);
}

// MARK: - Test hook

// Deflates `n` bytes of `data` the way a zip writer does (input in `in_chunk`-byte pieces,
// Z_NO_FLUSH until the last, then Z_FINISH until Z_STREAM_END, output through an `out_chunk`-
// byte buffer), inside the fast level when `fast`, and inflates the result. Returns 0 when
// every call succeeded and the bytes came back, else a number saying where it failed.
static int round_trip(const unsigned char *data, size_t n, size_t in_chunk, size_t out_chunk, int fast) {
    z_stream d;
    memset(&d, 0, sizeof d);
    jifen_zlib_level_set(fast ? 1 : -1);
    int status = deflateInit2(&d, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    jifen_zlib_level_set(-1);
    if (status != Z_OK) return 1;
    size_t cap = n + n / 2 + 1024, produced = 0;
    unsigned char *packed = malloc(cap), *buffer = malloc(out_chunk);
    int result = 0;
    if (packed == NULL || buffer == NULL) {
        result = 2;
        goto done;
    }
    size_t at = 0;
    for (;;) {
        size_t take = n - at < in_chunk ? n - at : in_chunk;
        int flush = at + take == n ? Z_FINISH : Z_NO_FLUSH;
        d.next_in = (Bytef *)(data + at);
        d.avail_in = (uInt)take;
        at += take;
        do {
            d.next_out = buffer;
            d.avail_out = (uInt)out_chunk;
            uLong before = d.total_out;
            status = deflate(&d, flush);
            if (status < 0) {
                result = 3;
                goto done;
            }
            size_t made = out_chunk - d.avail_out;
            if (d.total_out - before != made || produced + made > cap) {
                result = 4;
                goto done;
            }
            memcpy(packed + produced, buffer, made);
            produced += made;
        } while (d.avail_in > 0 || d.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
        if (flush == Z_FINISH) break;
    }
    if (d.total_in != n || d.total_out != produced) {
        result = 5;
        goto done;
    }
    {
        z_stream i;
        memset(&i, 0, sizeof i);
        unsigned char *back = malloc(n + 1);
        if (back == NULL || inflateInit2(&i, -15) != Z_OK) {
            free(back);
            result = 6;
            goto done;
        }
        i.next_in = packed;
        i.avail_in = (uInt)produced;
        i.next_out = back;
        i.avail_out = (uInt)(n + 1);
        status = inflate(&i, Z_FINISH);
        if (status != Z_STREAM_END || i.total_out != n || (n > 0 && memcmp(back, data, n) != 0)) result = 7;
        inflateEnd(&i);
        free(back);
    }
done:
    deflateEnd(&d);
    free(packed);
    free(buffer);
    return result;
}

int jifen_zlib_self_test(void) {
    static const size_t sizes[] = {0, 1, 1000, 70000, (16u << 20) + 12345};
    static const size_t in_chunks[] = {1, 4096, 16384, 65536};
    static const size_t out_chunks[] = {1, 7, 4093, 16384, 65536, 65537};
    size_t largest = sizes[sizeof sizes / sizeof *sizes - 1];
    unsigned char *data = malloc(largest);
    if (data == NULL) return -1;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < largest; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        data[i] = (i % 2048) < 1024 ? (unsigned char)('a' + i % 23) : (unsigned char)(x >> 33);
    }
    for (size_t a = 0; a < sizeof sizes / sizeof *sizes; a++)
        for (size_t b = 0; b < sizeof in_chunks / sizeof *in_chunks; b++)
            for (size_t c = 0; c < sizeof out_chunks / sizeof *out_chunks; c++) {
                // Pieces of a few bytes of the largest input would take minutes: skip those.
                if (sizes[a] > 100000 && (in_chunks[b] < 4096 || out_chunks[c] < 4000)) continue;
                for (int fast = 0; fast <= 1; fast++) {
                    int r = round_trip(data, sizes[a], in_chunks[b], out_chunks[c], fast);
                    if (r != 0) {
                        free(data);
                        return (int)(a * 1000 + b * 100 + c * 10 + fast) * 10 + r;
                    }
                }
            }
    free(data);
    return 0;
}
