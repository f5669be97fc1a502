import Diagnostics
import Glibc
import FuzzSupport
@_spi(Fuzzing) import Records

/// Fuzzes the CSV reader: any bytes must read to rows or to a located, short error, and the
/// same rows or error whatever the chunk size (the first input byte picks a small one, so
/// that records, quotes, CR LF pairs and UTF-8 or GB18030 characters straddle chunks).
@main
struct FuzzCSV {
    static func main() {
        FuzzMain.run(fuzzCSV, seeds: seeds, dictionary: [",", "\"", "\"\"", "\r\n", "\t", "\u{FEFF}", "好", "\u{3000}"])
    }

    /// Each sample's first lines, in UTF-8 and in GB18030, with two chunk sizes.
    static func seeds(_ paths: [String]) -> [(name: String, bytes: [UInt8])] {
        var out: [(name: String, bytes: [UInt8])] = []
        for path in paths {
            let head = Seeds.lines(Seeds.read(path), 25)
            out.append((Seeds.name(path, "c0"), [0] + head))
            out.append((Seeds.name(path, "c3"), [3] + head))
            if let gb = gb18030(head) { out.append((Seeds.name(path, "gb"), [2] + gb)) }
        }
        return out
    }

    static func gb18030(_ utf8: [UInt8]) -> [UInt8]? {
        guard let cd = iconv_open("GB18030", "UTF-8"), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = utf8
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let produced = input.withUnsafeMutableBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o -> Int? in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(i.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = i.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(o.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = o.count
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) == -1 ? nil : o.count - outLeft
            }
        }
        return produced.map { Array(output[..<$0]) }
    }
}

private let chunkSizes = [4, 5, 7, 16, 64, 1000, 4096]

struct CSVOutcome: Equatable {
    var hash = FuzzHash()
    var rows = 0
    var file: TableFile?
    var error: ReadError?
}

func readCSV(_ bytes: UnsafeRawBufferPointer, chunkSize: Int) -> CSVOutcome {
    var o = CSVOutcome()
    var lastLine = 0
    do {
        o.file = try TableReader.read(bytes: bytes, name: "fuzz.csv", chunkSize: chunkSize) { row in
            o.rows += 1
            fuzzCheck(row.line > lastLine, "line \(row.line) after \(lastLine)")
            lastLine = row.line
            o.hash.add(row.line)
            o.hash.add(row.count)
            for i in 0..<row.count {
                o.hash.add(row.bytes(i))
                o.hash.add(Int(row.kind(i).rawValue))
            }
            _ = row.isBlank
        }
    } catch {
        o.error = error
    }
    return o
}

/// What every diagnostic must be: about the file read, and short whatever the file held.
func checkDiagnostic(_ d: Diagnostic, path: String) {
    fuzzCheck(d.location.path == path, "\(d.code) names \(d.location.path)")
    for language in Language.allCases {
        let text = DiagnosticRenderer(language: language).render(d)
        fuzzCheck(text.count < 1000, "\(d.code) renders \(text.count) characters")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let chunk = chunkSizes[Int(data[0]) % chunkSizes.count]
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let small = readCSV(bytes, chunkSize: chunk)
    let large = readCSV(bytes, chunkSize: 1 << 16)
    // Rows stream, so how many came before an error depends on the chunks; the error must not.
    let same = small.error != nil || large.error != nil ? small.error == large.error : small == large
    fuzzCheck(same, """
        chunk size \(chunk) reads differently: \(small.rows) rows, \(String(describing: small.error)), \
        \(String(describing: small.file)) vs \(large.rows) rows, \(String(describing: large.error)), \(String(describing: large.file))
        """)
    if let e = large.error { checkDiagnostic(e.diagnostic, path: "fuzz.csv") }
    return 0
}
