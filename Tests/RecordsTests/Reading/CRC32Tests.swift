import Testing
@testable import Records

@Suite("CRC-32")
struct CRC32Tests {
    @Test func checkValue() {
        let bytes = Array("123456789".utf8)
        #expect(bytes.withUnsafeBytes { CRC32.update(0, $0.baseAddress!, $0.count) } == 0xCBF4_3926)
    }

    @Test("pieces give the same CRC as the whole", arguments: [1, 3, 8, 13])
    func incremental(_ piece: Int) {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        var crc: UInt32 = 0
        bytes.withUnsafeBytes { raw in
            var i = 0
            while i < raw.count {
                let n = min(piece, raw.count - i)
                crc = CRC32.update(crc, raw.baseAddress! + i, n)
                i += n
            }
        }
        #expect(crc == StoredZip.crc32(bytes))
    }
}

@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    /// Random byte strings rich in lead and continuation bytes agree with the standard library.
    @Test func agreesWithTheStandardLibrary() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x0A, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF,
                                 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...12, using: &rng)
            let bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let outcome = bytes.withUnsafeBufferPointer {
                UTF8Validation.validate($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: 0, to: n, isFinal: true)
            }
            #expect((outcome == .valid(upTo: n)) == expected, "\(bytes)")
        }
        let cjk = Array("榕江县富民社区，𠮷".utf8)
        #expect(cjk.withUnsafeBufferPointer { UTF8Validation.validate($0.baseAddress!, from: 0, to: cjk.count, isFinal: true) }
                == .valid(upTo: cjk.count))
    }
}
