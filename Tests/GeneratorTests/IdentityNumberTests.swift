import Exact
import Testing
@testable import Generator

@Suite struct IdentityNumberTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var number: String
        var valid: Bool
        var testDescription: String { "\(number) \(valid ? "valid" : "invalid")" }
    }

    // The first is the example printed in GB 11643-1999.
    @Test(arguments: [
        Case(number: "11010519491231002X", valid: true),
        Case(number: "110105194912310021", valid: false),
        Case(number: "11010519491231002", valid: false),
        Case(number: "110105194913310029", valid: false),  // month 13
        Case(number: "11010519491231002x", valid: false),  // lower-case x is not the check character
    ])
    func validates(_ c: Case) {
        #expect(IdentityNumber.isValid(c.number) == c.valid)
    }

    @Test func madeNumbersCarryTheirCheckCharacterAndSex() {
        let n = IdentityNumber.make(area: 522632, birth: CivilDate(year: 1988, month: 2, day: 29)!, sequence: 7)
        #expect(n.hasPrefix("52263219880229007"))
        #expect(IdentityNumber.isValid(n))
    }

    @Test func rosterNumbersAreValidRongjiangNumbersWithSomeX() throws {
        let (_, months) = try Fixtures.samples()
        var all = Set<String>()
        for m in months {
            for r in m.roster.records {
                let id = r["身份证号"]!
                #expect(IdentityNumber.isValid(id), "\(r["工号"]!)")
                #expect(id.hasPrefix("522632"))
                let year = Int(id.dropFirst(6).prefix(4))!
                #expect((1965...2000).contains(year))
                all.insert(id)
                #expect(r["银行账号"]!.count == 19 && r["银行账号"]!.allSatisfy { $0.isNumber })
                #expect(r["手机"]!.count == 11 && r["手机"]!.hasPrefix("1"))
                #expect(["", "1000", "2000", "3000"].contains(r["专项附加扣除"]!))
            }
        }
        #expect(all.contains { $0.hasSuffix("X") })
        #expect(all.count == 52)  // 48 at the start, one leaves, one joins; three more join in 2021
    }

    @Test func scaleRosterNumbersAreValidAndUnique() throws {
        let (_, month, _) = try Fixtures.scale(cadres: 300)
        let ids = month.roster.column("身份证号")
        #expect(ids.allSatisfy { IdentityNumber.isValid($0) })
        #expect(Set(ids).count == ids.count)
        #expect(Set(month.roster.column("银行账号")).count == ids.count)
    }

    @Test func bankAccountsPassTheLuhnCheck() throws {
        let (_, months) = try Fixtures.samples()
        for account in months[0].roster.column("银行账号") {
            #expect(PersonFactory.luhnDigit(String(account.dropLast())) == Int(String(account.last!))!)
        }
    }
}
