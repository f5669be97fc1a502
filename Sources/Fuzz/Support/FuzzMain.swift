import CLibFuzzer
import Foundation

/// The `main` of every fuzz target.
///
/// Built by `make fuzz` (with `-sanitize=fuzzer,address -DJIFEN_FUZZ`) it hands the target's
/// `LLVMFuzzerTestOneInput` to libFuzzer's driver, which takes libFuzzer's usual arguments.
/// In an ordinary build it replays inputs instead: every file named on the command line (or
/// in a folder named there) runs through the target once, so that a crash libFuzzer saved
/// can be reproduced and debugged without the sanitizer toolchain.
public enum FuzzMain {
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs the target. `--make-seeds OUT FILE...` writes instead the seed inputs `seeds`
    /// makes of the sample files into folder OUT, and `dictionary` (tokens worth inserting)
    /// to OUT.dict for libFuzzer's `-dict`.
    public static func run(_ callback: Callback, seeds: ([String]) -> [(name: String, bytes: [UInt8])] = { _ in [] },
                           dictionary: [String] = []) -> Never {
        let args = CommandLine.arguments
        if args.count >= 3 && args[1] == "--make-seeds" {
            let out = args[2]
            try? FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let made = seeds(Array(args.dropFirst(3)))
            for (name, bytes) in made {
                FileManager.default.createFile(atPath: out + "/" + name, contents: Data(bytes))
            }
            let entries = dictionary.map { entry in
                "\"" + entry.utf8.map { b in
                    b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C ? String(UnicodeScalar(b)) : "\\x" + String(format: "%02X", b)
                }.joined() + "\""
            }
            FileManager.default.createFile(atPath: out + ".dict", contents: Data((entries.joined(separator: "\n") + "\n").utf8))
            print("\(made.count) seeds in \(out)")
            exit(0)
        }
        #if JIFEN_FUZZ
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
        #else
        var files: [String] = []
        for arg in CommandLine.arguments.dropFirst() where !arg.hasPrefix("-") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: arg, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []
                files += names.sorted().map { arg + "/" + $0 }
            } else {
                files.append(arg)
            }
        }
        guard !files.isEmpty else {
            FileHandle.standardError.write(Data("usage: \(CommandLine.arguments[0]) FILE|FOLDER...\n(replays inputs once each; `make fuzz` builds the fuzzing version)\n".utf8))
            exit(2)
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { callback($0.baseAddress ?? UnsafePointer(bitPattern: 1), $0.count) }
        }
        print("replayed \(files.count) inputs")
        exit(0)
        #endif
    }
}

/// Stops the run as a crash when an invariant does not hold: libFuzzer saves the input.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    guard !condition() else { return }
    FileHandle.standardError.write(Data("fuzz check failed at \(file):\(line): \(message())\n".utf8))
    abort()
}

/// FNV-1a, to compare what two reads delivered without keeping it.
public struct FuzzHash: Equatable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        for b in bytes {
            value = (value ^ UInt64(b)) &* 0x0100_0000_01B3
        }
        add(bytes.count)
    }

    public mutating func add(_ n: Int) {
        var v = UInt64(bitPattern: Int64(n))
        for _ in 0..<8 {
            value = (value ^ (v & 0xFF)) &* 0x0100_0000_01B3
            v >>= 8
        }
    }
}

/// Helpers for making seeds out of the sample files.
public enum Seeds {
    public static func read(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
    }

    /// The first `n` lines of the bytes (line ends kept).
    public static func lines(_ bytes: [UInt8], _ n: Int) -> [UInt8] {
        var count = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            count += 1
            if count == n { return Array(bytes[...i]) }
        }
        return bytes
    }

    /// A name for a seed: the sample's file name and a tag.
    public static func name(_ path: String, _ tag: String) -> String {
        let base = path.split(separator: "/").suffix(2).joined(separator: "_")
        return base.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? String($0) : "_" }.joined() + "." + tag
    }
}
