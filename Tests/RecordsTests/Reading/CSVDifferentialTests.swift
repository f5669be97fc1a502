import Foundation
import Testing
@testable import Records

/// Random CSV text read by the streaming reader at several chunk sizes, against a plain
/// whole-text reference parser that states the same rules in the simplest way.
@Suite("CSV reader against a reference parser")
struct CSVDifferentialTests {
    enum Outcome: Equatable {
        case rows([ReadingFixtures.Row])
        case unterminated(line: Int)
    }

    /// The documented rules, on the whole text at once.
    static func reference(_ b: [UInt8]) -> Outcome {
        var rows: [ReadingFixtures.Row] = []
        var i = 0, line = 1
        func isEnd(_ c: UInt8) -> Bool { c == 0x2C || c == 0x0A || c == 0x0D }
        while i < b.count {
            let start = line
            var fields: [[UInt8]] = []
            var quotedAny = false
            while true {
                var f: [UInt8] = []
                if i < b.count && b[i] == 0x22 {
                    quotedAny = true
                    let opened = line
                    i += 1
                    var closed = false
                    while i < b.count {
                        if b[i] == 0x22 {
                            if i + 1 < b.count && b[i + 1] == 0x22 { f.append(0x22); i += 2; continue }
                            i += 1; closed = true; break
                        }
                        if b[i] == 0x0A || (b[i] == 0x0D && !(i + 1 < b.count && b[i + 1] == 0x0A)) { line += 1 }
                        f.append(b[i]); i += 1
                    }
                    if !closed { return .unterminated(line: opened) }
                }
                while i < b.count && !isEnd(b[i]) { f.append(b[i]); i += 1 }
                fields.append(f)
                if i < b.count && b[i] == 0x2C { i += 1; continue }
                if i < b.count {
                    if b[i] == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A { i += 1 }
                    i += 1
                    line += 1
                }
                break
            }
            let isEmptyLine = fields.count == 1 && fields[0].isEmpty && !quotedAny
            rows.append(ReadingFixtures.Row(start, isEmptyLine ? [] : fields.map { String(decoding: $0, as: UTF8.self) }))
        }
        return .rows(rows)
    }

    @Test func randomTexts() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [[0x61], [0x62], [0x2C], [0x22], [0x22, 0x22], [0x0A], [0x0D], [0x0D, 0x0A],
                                 Array("张".utf8), Array("𠮷".utf8), [0x20]]
        let dir = ReadingFixtures.directory()
        for k in 0..<400 {
            var bytes = Array("编,号\n".utf8)  // a UTF-8 start, so the encoding is settled
            for _ in 0..<Int.random(in: 0...40, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            let path = ReadingFixtures.write(bytes, name: "r\(k).csv", in: dir)
            let expected = Self.reference(bytes)
            for size in [4, 5, 9, CSVReader.defaultChunkSize] {
                let got: Outcome
                do {
                    got = .rows(try ReadingFixtures.rows(path, chunkSize: size).1)
                } catch {
                    guard case .unterminatedQuote(_, let line) = error else {
                        Issue.record("\(error)")
                        continue
                    }
                    got = .unterminated(line: line)
                }
                #expect(got == expected, "\(bytes) at chunk size \(size)")
            }
        }
    }
}
