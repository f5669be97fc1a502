import Foundation
@testable import Store
import TestSupport
import Testing

/// SHA-256 against FIPS 180-4's examples and `sha256sum`, on the SHA-NI path and the portable one.
struct SHA256Tests {
    static let vectors: [(String, [UInt8], String)] = [
        ("empty", [], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("448 bits", Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("896 bits",
         Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8),
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("a million a", Array(repeating: UInt8(ascii: "a"), count: 1_000_000),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    /// Both compress functions: the CPU's (SHA-NI where it has them) and the portable one.
    static let paths = [false, true]

    @Test(arguments: paths)
    func matchesTheFIPSExamples(portable: Bool) {
        for (name, message, digest) in Self.vectors {
            var h = SHA256(portable: portable)
            h.update(message)
            #expect(h.finalizeHex() == digest, "\(name), portable: \(portable)")
        }
    }

    @Test func theDefaultPathUsesTheSHAExtensionsWhenTheCPUHasThem() {
        #expect(SHA256().isAccelerated == SHA256.cpuHasSHAExtensions)
        #expect(!SHA256(portable: true).isAccelerated)
    }

    @Test(arguments: paths)
    func streamingInOddChunksEqualsOneShot(portable: Bool) {
        // Lengths around the 64-byte block and the 56-byte padding boundary, fed in uneven pieces.
        var bytes: [UInt8] = []
        var x: UInt32 = 12345
        for _ in 0..<10_007 {
            x = x &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 10_007] {
            let message = Array(bytes.prefix(length))
            var whole = SHA256(portable: portable)
            whole.update(message)
            let expected = whole.finalizeHex()
            for chunk in [1, 3, 7, 63, 64, 65, 127, 4099] {
                var pieces = SHA256(portable: portable)
                var i = 0
                while i < message.count {
                    let j = min(message.count, i + chunk)
                    message[i..<j].withUnsafeBytes { pieces.update($0) }
                    i = j
                }
                #expect(pieces.finalizeHex() == expected, "length \(length), chunk \(chunk)")
            }
            var other = SHA256(portable: !portable)
            other.update(message)
            #expect(other.finalizeHex() == expected, "length \(length): both paths agree")
        }
    }

    @Test func hashFileEqualsSha256sum() throws {
        let dir = PackagePaths.temporaryDirectory("sha256")
        let path = dir + "/input.csv"
        // Larger than one read chunk of hashFile, and not a whole number of blocks.
        var text = "工号,日期,事项\n"
        for i in 0..<160_000 { text += "SQ\(i % 977)-01,2020-12-\(i % 28 + 1),夜间值班\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (hash, size) = try RunStore.hashFile(path)
        #expect(size == text.utf8.count)
        #expect(size > RunStore.chunkSize)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(printed.split(separator: " ").first.map(String.init) == hash)
    }
}
