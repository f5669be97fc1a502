import CSHA256

/// SHA-256 (FIPS 180-4), streaming, for the content-addressed copies of a run's inputs.
///
/// The compress function is C (`CSHA256`): with the CPU's SHA extensions when it has them
/// (about 1.7 GB/s a core here), otherwise portable C. A province-scale month is a gigabyte of
/// input hashed while the rows are validated, so the hash must not take the second core.
public struct SHA256: Sendable {
    private var context = jifen_sha256_ctx()

    public init() {
        jifen_sha256_init(&context, 0)
    }

    /// A hash that never uses the SHA extensions, so tests can check the portable path on a
    /// CPU that has them.
    init(portable: Bool) {
        jifen_sha256_init(&context, portable ? 1 : 0)
    }

    /// Whether this hash runs on the CPU's SHA extensions.
    var isAccelerated: Bool { context.accelerated != 0 }

    /// Whether this CPU has the SHA extensions (and this build can use them).
    public static var cpuHasSHAExtensions: Bool { jifen_sha256_cpu_has_sha() != 0 }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        jifen_sha256_update(&context, base, bytes.count)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest. The hash is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            jifen_sha256_final(&context, buffer.baseAddress!)
            count = 32
        }
    }

    /// The digest as 64 lowercase hex characters. The hash is spent afterwards.
    public mutating func finalizeHex() -> String {
        let digits: StaticString = "0123456789abcdef"
        let digest = finalize()
        return String(unsafeUninitializedCapacity: 64) { out in
            digits.withUTF8Buffer { d in
                for (i, b) in digest.enumerated() {
                    out[2 * i] = d[Int(b >> 4)]
                    out[2 * i + 1] = d[Int(b & 0xF)]
                }
            }
            return 64
        }
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        var s = SHA256()
        s.update(bytes)
        return s.finalizeHex()
    }
}
