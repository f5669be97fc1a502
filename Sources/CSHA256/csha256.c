/* SHA-256 (FIPS 180-4) for the store's content addresses: a portable compress, and one with
 * the x86 SHA extensions (SHA-NI) chosen at run time when the CPU has them.
 *
 * The SHA-NI compress follows the public-domain sha256-x86.c of Jeffrey Walton's
 * SHA-Intrinsics (https://github.com/noloader/SHA-Intrinsics), itself based on Intel's
 * reference code and Sean Gulley's for miTLS: the state kept as ABEF/CDGH, four rounds per
 * message vector, the schedule computed with sha256msg1/sha256msg2 three groups ahead.
 * Here the sixteen groups are written once as a macro instead of spelled out.
 */
#include "csha256.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define JIFEN_SHA_X86 1
#endif

static const uint32_t K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* MARK: - Portable compress */

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
    uint32_t w[64];
    while (blocks--) {
        for (int t = 0; t < 16; t++) w[t] = load_be32(data + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
        data += 64;
    }
}

/* MARK: - SHA-NI compress */

#ifdef JIFEN_SHA_X86

/* Four rounds on message vector CUR (W[4g..4g+3]). The schedule runs ahead: sha256msg2 finishes
 * NEXT from CUR and the part of PREV before this group's sha256msg1 starts the one after. */
#define SHA_NI_GROUP(g, CUR, NEXT, PREV)                                                           \
    do {                                                                                           \
        __m128i wk = _mm_add_epi32(CUR, _mm_load_si128((const __m128i *)&K[4 * (g)]));            \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                              \
        if ((g) >= 3 && (g) <= 14)                                                                 \
            NEXT = _mm_sha256msg2_epu32(_mm_add_epi32(NEXT, _mm_alignr_epi8(CUR, PREV, 4)), CUR);  \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));                     \
        if ((g) >= 1 && (g) <= 12) PREV = _mm_sha256msg1_epu32(PREV, CUR);                         \
    } while (0)

__attribute__((target("sha,sse4.1")))
static void compress_sha_ni(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    /* The instructions want the state as (A,B,E,F) and (C,D,G,H), high lane first. */
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);
    __m128i abef = _mm_alignr_epi8(dcba, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, dcba, 0xF0);

    while (blocks--) {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), byteswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), byteswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), byteswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), byteswap);
        SHA_NI_GROUP(0, m0, m1, m3);
        SHA_NI_GROUP(1, m1, m2, m0);
        SHA_NI_GROUP(2, m2, m3, m1);
        SHA_NI_GROUP(3, m3, m0, m2);
        SHA_NI_GROUP(4, m0, m1, m3);
        SHA_NI_GROUP(5, m1, m2, m0);
        SHA_NI_GROUP(6, m2, m3, m1);
        SHA_NI_GROUP(7, m3, m0, m2);
        SHA_NI_GROUP(8, m0, m1, m3);
        SHA_NI_GROUP(9, m1, m2, m0);
        SHA_NI_GROUP(10, m2, m3, m1);
        SHA_NI_GROUP(11, m3, m0, m2);
        SHA_NI_GROUP(12, m0, m1, m3);
        SHA_NI_GROUP(13, m1, m2, m0);
        SHA_NI_GROUP(14, m2, m3, m1);
        SHA_NI_GROUP(15, m3, m0, m2);
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
        data += 64;
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#endif

/* MARK: - Streaming */

int jifen_sha256_cpu_has_sha(void) {
#ifdef JIFEN_SHA_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
#else
    return 0;
#endif
}

static void compress(jifen_sha256_ctx *ctx, const uint8_t *data, size_t blocks) {
#ifdef JIFEN_SHA_X86
    if (ctx->accelerated) {
        compress_sha_ni(ctx->state, data, blocks);
        return;
    }
#endif
    compress_portable(ctx->state, data, blocks);
}

void jifen_sha256_init(jifen_sha256_ctx *ctx, int portable) {
    memcpy(ctx->state, H0, sizeof H0);
    ctx->length = 0;
    ctx->pendingCount = 0;
    ctx->accelerated = !portable && jifen_sha256_cpu_has_sha();
}

void jifen_sha256_update(jifen_sha256_ctx *ctx, const void *bytes, size_t count) {
    const uint8_t *data = bytes;
    ctx->length += count;
    if (ctx->pendingCount > 0) {
        size_t take = 64 - ctx->pendingCount;
        if (take > count) take = count;
        memcpy(ctx->pending + ctx->pendingCount, data, take);
        ctx->pendingCount += (uint32_t)take;
        data += take;
        count -= take;
        if (ctx->pendingCount < 64) return;
        compress(ctx, ctx->pending, 1);
        ctx->pendingCount = 0;
    }
    if (count >= 64) {
        compress(ctx, data, count / 64);
        data += count - count % 64;
        count %= 64;
    }
    if (count > 0) {
        memcpy(ctx->pending, data, count);
        ctx->pendingCount = (uint32_t)count;
    }
}

void jifen_sha256_final(jifen_sha256_ctx *ctx, uint8_t digest[32]) {
    uint64_t bits = ctx->length * 8;
    uint8_t tail[128] = {0};
    size_t n = ctx->pendingCount;
    memcpy(tail, ctx->pending, n);
    tail[n] = 0x80;
    size_t total = n < 56 ? 64 : 128;
    for (int i = 0; i < 8; i++) tail[total - 1 - i] = (uint8_t)(bits >> (8 * i));
    compress(ctx, tail, total / 64);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(ctx->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(ctx->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(ctx->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)ctx->state[i];
    }
}
