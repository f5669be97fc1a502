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
