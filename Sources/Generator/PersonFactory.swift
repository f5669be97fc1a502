import Exact

/// Makes plausible, unique personal details for generated cadres.
struct PersonFactory {
    struct Person {
        var name: String
        var idNumber: String
        var bankAccount: String
        var bank: String
        var phone: String
        /// Monthly special additional deduction in 元 (0 when none).
        var deductionYuan: Int
    }

    // Surnames weighted towards those common among the Miao and Dong of Qiandongnan.
    static let surnames: [(String, Int)] = [
        ("杨", 14), ("吴", 12), ("王", 7), ("潘", 7), ("龙", 6), ("石", 6), ("陈", 5), ("张", 5),
        ("李", 5), ("刘", 3), ("罗", 3), ("欧", 3), ("蒙", 3), ("韦", 3), ("胡", 2), ("杜", 2),
        ("黄", 2), ("周", 2), ("谢", 2), ("邓", 2), ("梁", 2), ("孙", 1), ("姚", 1), ("贾", 1),
        ("曾", 1), ("田", 1), ("熊", 1), ("滚", 1), ("粟", 1), ("莫", 1),
    ]
    static let surnameWeights = surnames.map(\.1)
    static let maleGiven = Array("文明军华建国志强伟勇平东海林峰光荣德成学兴万福金春涛鹏飞宏刚俊杰云")
    static let femaleGiven = Array("秀英芳丽娟梅兰玉霞燕艳红珍琴敏静婷雪慧萍凤春桂花美娜玲丹莉")
    static let mobilePrefixes = [
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
        "155", "157", "158", "166", "177", "180", "182", "183", "185", "187", "188", "189", "199",
    ]
    // Card prefixes (BIN) of banks with branches in Rongjiang; the last digit is a Luhn check.
    static let banks: [(name: String, bin: String, weight: Int)] = [
        ("贵州榕江农村商业银行", "621779", 5),
        ("中国农业银行榕江县支行", "622848", 3),
        ("中国邮政储蓄银行榕江县支行", "621799", 2),
        ("中国建设银行榕江支行", "621700", 1),
    ]
    static let bankWeights = banks.map(\.weight)
    /// Guizhou county codes used for province-scale rosters; samples use Rongjiang only.
    static let provinceAreas = [
        520102, 520103, 520111, 520121, 520201, 520302, 520402, 520502, 520602,
        522301, 522601, 522632, 522701,
    ]
    static let rongjiang = 522632

    private var usedIDs = Set<String>()
    private var usedAccounts = Set<String>()

    /// A new person born between `bornFrom` and `bornTo` (years, inclusive).
    mutating func make(_ rng: inout SeededGenerator, area: Int, bornFrom: Int, bornTo: Int) -> Person {
        let male = rng.chance(perMille: 520)
        let surname = PersonFactory.surnames[rng.weightedIndex(PersonFactory.surnameWeights)].0
        let pool = male ? PersonFactory.maleGiven : PersonFactory.femaleGiven
        var given = String(rng.pick(pool))
        if rng.chance(perMille: 700) {
            var second = rng.pick(pool)
            while String(second) == given { second = rng.pick(pool) }
            given.append(second)
        }
        var id: String
        repeat {
            let first = CivilDate(year: bornFrom, month: 1, day: 1)!
            let last = CivilDate(year: bornTo, month: 12, day: 31)!
            let birth = first.advanced(by: rng.uniform(first.distance(to: last) + 1))
            var sequence = rng.uniform(500) * 2
            if male { sequence += 1 }
            id = IdentityNumber.make(area: area, birth: birth, sequence: sequence)
        } while !usedIDs.insert(id).inserted
        let bank = PersonFactory.banks[rng.weightedIndex(PersonFactory.bankWeights)]
        var account: String
        repeat {
            var body = bank.bin
            for _ in 0..<12 { body.append(Character(Unicode.Scalar(UInt8(48 + rng.uniform(10))))) }
            account = body + String(PersonFactory.luhnDigit(body))
        } while !usedAccounts.insert(account).inserted
        var phone = rng.pick(PersonFactory.mobilePrefixes)
        for _ in 0..<8 { phone.append(Character(Unicode.Scalar(UInt8(48 + rng.uniform(10))))) }
        let r = rng.uniform(1000)
        let deduction = r < 100 ? 1000 : (r < 150 ? 2000 : (r < 180 ? 3000 : 0))
        return Person(
            name: surname + given, idNumber: id, bankAccount: account, bank: bank.name,
            phone: phone, deductionYuan: deduction)
    }

    /// The Luhn check digit that completes `body`.
    static func luhnDigit(_ body: String) -> Int {
        var sum = 0
        for (i, b) in body.utf8.reversed().enumerated() {
            var d = Int(b) - 48
            if i % 2 == 0 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return (10 - sum % 10) % 10
    }
}
