/* SHA-256 (FIPS 180-4), streaming, with the x86 SHA extensions when the CPU has them. */
#ifndef JIFEN_CSHA256_H
#define JIFEN_CSHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A hash in progress. Plain data: copying it forks the hash. */
typedef struct {
    uint32_t state[8];
    uint64_t length;       /* bytes hashed so far */
    uint8_t pending[64];   /* the start of a block not yet complete */
    uint32_t pendingCount;
    int32_t accelerated;   /* 1: SHA-NI compress, 0: portable C */
} jifen_sha256_ctx;

/* Starts a hash. `portable` nonzero forces the portable compress (for tests); otherwise the
   SHA-NI compress is used when the CPU supports it. */
void jifen_sha256_init(jifen_sha256_ctx *ctx, int portable);

void jifen_sha256_update(jifen_sha256_ctx *ctx, const void *data, size_t count);

/* Pads, finishes and writes the 32-byte digest. The context is spent afterwards. */
void jifen_sha256_final(jifen_sha256_ctx *ctx, uint8_t digest[32]);

/* 1 when this CPU has the SHA extensions (and this build can use them). */
int jifen_sha256_cpu_has_sha(void);

#ifdef __cplusplus
}
#endif

#endif
