@testable import Batch
import Foundation
import TestSupport
import Testing

/// Where a batch's scratch files go when jifen.json names no folder: RAM-backed `/dev/shm`
/// only when it is a writable tmpfs and the machine has memory to spare, never over a
/// configured folder or the user's `TMPDIR`.
struct ScratchDirectoryTests {
    static func meminfo(availableKB: Int64) throws -> String {
        let path = PackagePaths.temporaryDirectory("meminfo")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let file = path + "/meminfo"
        try "MemTotal:       24000000 kB\nMemFree:        1000 kB\nMemAvailable:   \(availableKB) kB\nBuffers: 1 kB\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func aConfiguredFolderAlwaysWins() throws {
        let plenty = try Self.meminfo(availableKB: 64 << 20)
        #expect(ScratchDirectory.choose(configured: "/var/tmp/x", inputBytes: 1, environment: [:], meminfo: plenty) == "/var/tmp/x")
    }

    @Test func theUsersTMPDIRIsHonoured() throws {
        let plenty = try Self.meminfo(availableKB: 64 << 20)
        #expect(ScratchDirectory.choose(configured: nil, inputBytes: 1, environment: ["TMPDIR": "/scratch"], meminfo: plenty) == nil)
    }

    @Test func aFolderThatIsNotTmpfsIsNotChosen() throws {
        let plenty = try Self.meminfo(availableKB: 64 << 20)
        let disk = PackagePaths.temporaryDirectory("not-tmpfs")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        if ScratchDirectory.tmpfsRoom(disk) == nil {
            #expect(ScratchDirectory.choose(configured: nil, inputBytes: 1, environment: [:], ramFolder: disk, meminfo: plenty) == nil)
        }
        #expect(ScratchDirectory.choose(configured: nil, inputBytes: 1, environment: [:], ramFolder: "/no/such/folder", meminfo: plenty) == nil)
    }

    @Test func ramIsUsedOnlyWithMemoryToSpare() throws {
        guard let room = ScratchDirectory.tmpfsRoom("/dev/shm"), room > 64 << 20 else { return }  // no tmpfs here
        let input = 16 << 20
        let plenty = try Self.meminfo(availableKB: Int64(4 * input + (1 << 30)) / 1024 + 1)
        let tight = try Self.meminfo(availableKB: Int64(4 * input + (1 << 30)) / 1024 - 1024)
        #expect(ScratchDirectory.choose(configured: nil, inputBytes: input, environment: [:], meminfo: plenty) == "/dev/shm")
        #expect(ScratchDirectory.choose(configured: nil, inputBytes: input, environment: [:], meminfo: tight) == nil)
        // Inputs the tmpfs could not take twice over stay on the disk.
        #expect(ScratchDirectory.choose(configured: nil, inputBytes: Int(room), environment: [:], meminfo: plenty) == nil)
        #expect(ScratchDirectory.availableMemory("/no/such/meminfo") == nil)
    }
}
