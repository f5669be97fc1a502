import Foundation
import Results
import Testing
import TestSupport

/// The scorer's records go through a spill file (`RecordSpillWriter`) and come back slot by
/// slot (`RecordSpill`): every record, in the order it was appended, whatever the lanes,
/// files, buckets and blocks, and the same from the file as from memory.
struct RecordSpillTests {
    /// Appends records the way the scorer's lanes do (a cadre's records all from one lane
    /// within a file, files one after another) and keeps the same records per slot in
    /// plain arrays to compare with.
    static func fill(
        _ writer: RecordSpillWriter, cadres: Int, items: Int, lanes: Int, files: Int, records: Int, seed: UInt64
    ) -> [[RecordEntry]] {
        var random = SeededRandom(seed: seed)
        var model = [[RecordEntry]](repeating: [], count: cadres * items)
        var line: UInt32 = 0
        for file in 0..<files {
            if file > 0 { writer.endEpoch() }
            // A different lane for each cadre in each file.
            let shift = random.int(0...lanes - 1)
            for _ in 0..<records / files {
                let cadre = random.chance(0.3) ? random.int(0...min(cadres - 1, 5)) : random.int(0...cadres - 1)
                let slot = cadre * items + random.int(0...items - 1)
                line += 1
                let entry = RecordEntry(
                    file: UInt16(file), line: line, day: random.chance(0.1) ? RecordEntry.noDay : Int32(random.int(18_000...18_400)),
                    summary: UInt32(random.int(0...1_000_000)), units: Int64(random.int(-5_000...5_000)), scale: UInt8(random.int(0...4)))
                writer.lane((cadre + shift) % lanes).append(slot: slot, entry)
                model[slot].append(entry)
            }
        }
        return model
    }

    static func check(_ spill: RecordSpill, _ model: [[RecordEntry]]) {
        #expect(spill.slotCount == model.count)
        #expect(spill.entryCount == model.reduce(0) { $0 + $1.count })
        var mismatched = 0
        for (slot, expected) in model.enumerated() {
            let got = spill.entries(slot: slot)
            if Array(got) != expected { mismatched += 1 }
            if got.withUnsafeBufferPointer({ Array($0) }) != expected { mismatched += 1 }
        }
        #expect(mismatched == 0)
    }

    @Test(arguments: [
        // Fewer records than a block; one bucket.
        (cadres: 40, items: 3, lanes: 1, files: 1, records: 500),
        // Several blocks per bucket, three lanes, four files.
        (cadres: 900, items: 5, lanes: 3, files: 4, records: 60_000),
        // Several buckets, sorted on every core.
        (cadres: 5_000, items: 4, lanes: 2, files: 3, records: 240_000),
    ])
    func everyRecordComesBackInItsSlotInOrder(shape: (cadres: Int, items: Int, lanes: Int, files: Int, records: Int)) {
        for directory in [FileManager.default.temporaryDirectory, nil] {
            let writer = RecordSpillWriter(slots: shape.cadres * shape.items, slotsPerCadre: shape.items, lanes: shape.lanes, directory: directory)
            let model = Self.fill(writer, cadres: shape.cadres, items: shape.items, lanes: shape.lanes, files: shape.files,
                                  records: shape.records, seed: UInt64(shape.records))
            let spill = writer.finish()
            #expect(spill.isMapped == (directory != nil))
            Self.check(spill, model)
            // Asked again, the same spill.
            #expect(writer.finish() === spill)
        }
    }

    @Test func aMonthWithoutRecordsAndAFolderThatCannotHoldTheSpill() {
        let none = RecordSpillWriter(slots: 12, slotsPerCadre: 3, lanes: 2, directory: FileManager.default.temporaryDirectory).finish()
        #expect(none.entryCount == 0)
        #expect((0..<12).allSatisfy { none.entries(slot: $0).isEmpty })
        // No such folder: the records are held in memory and read the same.
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-no-such-folder-\(UInt64.random(in: 0...UInt64.max))")
        let writer = RecordSpillWriter(slots: 300, slotsPerCadre: 3, lanes: 2, directory: missing)
        let model = Self.fill(writer, cadres: 100, items: 3, lanes: 2, files: 2, records: 5_000, seed: 3)
        let spill = writer.finish()
        #expect(!spill.isMapped)
        Self.check(spill, model)
    }

    /// A sweep over more than `RecordSpill.releaseEvery` bytes hands the mapping's pages back
    /// as it goes; reading again gives the same records.
    @Test func pagesHandedBackAreReadAgainTheSame() {
        let writer = RecordSpillWriter(slots: 2_000, slotsPerCadre: 1, lanes: 1, directory: FileManager.default.temporaryDirectory)
        let model = Self.fill(writer, cadres: 2_000, items: 1, lanes: 1, files: 1, records: 1_600_000, seed: 11)
        let spill = writer.finish()
        #expect(spill.entryCount * MemoryLayout<RecordEntry>.stride > RecordSpill.releaseEvery)
        for _ in 0..<2 { Self.check(spill, model) }
        // As a score line holds them.
        let list = RecordList(entries: spill.entries(slot: 7), texts: RecordTexts(files: [], summaries: []))
        #expect(list.count == model[7].count)
        #expect(list.entries.map { Array($0.entries) } == model[7])
    }

    /// The month's summary texts go through a spill file too (`SummaryTextWriter`) and are
    /// laid out in the order the records first cite them: every text reads back as it was
    /// appended, by its number, mapped or in memory, before and after its pages are handed
    /// back; texts no record cites, empty ones and ones longer than a bucket's buffer too.
    @Test(arguments: [(count: 300, lanes: 1), (count: 120_000, lanes: 1), (count: 90_000, lanes: 3)])
    func summaryTextsReadBackByNumber(count: Int, lanes: Int) {
        var random = SeededRandom(seed: UInt64(count))
        var texts: [[UInt8]] = []
        for n in 0..<count {
            switch random.int(0...99) {
            case 0: texts.append([])
            case 1 where n % 7 == 0: texts.append((0..<random.int(70_000...90_000)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) })
            default:
                let s = "\(n) 夜班 20:00–08:00 到岗 " + String(repeating: "满意", count: random.int(0...30))
                texts.append(Array(s.utf8))
            }
        }
        for directory in [FileManager.default.temporaryDirectory, nil] {
            let writer = SummaryTextWriter(lanes: lanes, directory: directory)
            // Each text from a lane of its own choosing (some lanes make more than others);
            // its number is the writer's, the text is the model's.
            var byNumber: [Int: [UInt8]] = [:]
            var random = SeededRandom(seed: 99)
            for t in texts {
                let lane = lanes == 1 ? 0 : (random.chance(0.5) ? 0 : random.int(0...lanes - 1))
                let n = t.withUnsafeBufferPointer { writer.lane(lane).append($0) }
                #expect(byNumber[Int(n)] == nil)
                byNumber[Int(n)] = t
            }
            #expect(writer.count == count)
            // Records citing most texts, in an order of their own.
            let records = RecordSpillWriter(slots: 1_000, slotsPerCadre: 2, lanes: 1, directory: directory)
            let numbers = byNumber.keys.sorted()
            for _ in 0..<(count * 2) {
                let n = numbers[random.int(0...count - 1)]
                guard n % 5 != 0 else { continue }
                records.lane(0).append(slot: random.int(0...999), RecordEntry(file: 0, line: 1, day: 0, summary: UInt32(n), units: 1, scale: 0))
            }
            let spill = records.finish()
            let back = writer.finish(files: ["值班"], citing: spill)
            #expect(back.isMapped == (directory != nil))
            #expect(back.summaryCount >= count && back.summaryCount > numbers.last!)
            #expect(writer.finish(files: ["值班"], citing: spill) === back)
            for round in 0..<2 {
                let wrong = back.withSummaries { reader in numbers.filter { Array(reader[$0]) != byNumber[$0]! }.count }
                #expect(wrong == 0, "round \(round)")
                #expect(back.summary(numbers.last!) == String(decoding: byNumber[numbers.last!]!, as: UTF8.self))
                // Enough records noted to hand the pages back.
                back.noteRecords(RecordSpill.releaseEvery)
            }
        }
    }
}

