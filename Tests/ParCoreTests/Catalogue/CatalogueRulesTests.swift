import Foundation
import Testing
@testable import ParCore

@Suite("Procedure rules")
struct ProcedureRulesTests {
    static func procedure(level: Procedure.Level = .commune, unit: OrgUnit.ID? = nil, time: Double = 3,
                          timeUnit: ProcessingTime.Unit = .workingDays, methods: [Procedure.Method] = [.counter, .online],
                          online: Procedure.OnlineLevel = .full, steps: [Procedure.InterAgencyStep] = []) -> Procedure {
        Procedure(id: .random(), code: "1.001193", name: "Đăng ký khai sinh", field: "Hộ tịch", level: level, unitID: unit,
                  agency: "UBND cấp xã", applicants: "Cá nhân", steps: ["Nộp hồ sơ", "Trả kết quả"], methods: methods,
                  documents: [.init(name: "Tờ khai", copies: 1)], processingTime: .init(amount: time, unit: timeUnit),
                  result: "Giấy khai sinh", resultType: .both, fees: [.init(description: "Lệ phí", amountVND: 0)],
                  legalBasis: ["Luật Hộ tịch 2014"], onlineLevel: online, fullOnlineEligible: true, interAgencySteps: steps)
    }

    @Test("a procedure keeps its rules, or the broken part is named", arguments: [
        (procedure(), nil as String?),
        (procedure(level: .province), "unitId"),
        (procedure(level: .province, unit: .random()), nil),
        (procedure(methods: [.counter], online: .full), "methods"),
        (procedure(methods: [.counter], online: .partial), nil),
        (procedure(time: -1), "processingTime"),
        (procedure(time: 1.5), "processingTime"),
        (procedure(time: 1.5, timeUnit: .workingHours), nil),
        (procedure(time: 5, steps: [.init(unit: "Phòng Tư pháp", days: 3), .init(unit: "Công an xã", days: 2)]), nil),
        (procedure(time: 5, steps: [.init(unit: "Phòng Tư pháp", days: 3), .init(unit: "Công an xã", days: 1)]), "interAgencySteps"),
        (procedure(time: 5, timeUnit: .calendarDays, steps: [.init(unit: "A", days: 5)]), "interAgencySteps"),
    ])
    func validation(procedure: Procedure, failingField: String?) {
        do {
            _ = try procedure.validated()
            #expect(failingField == nil)
        } catch {
            #expect(error.field == failingField)
        }
    }

    @Test("completeness lists the Decree 63/2010 parts that are missing")
    func completeness() {
        var p = Self.procedure()
        #expect(p.isComplete)
        p.documents = []
        p.legalBasis = []
        #expect(p.missingParts == ["documents", "legalBasis"])
    }

    @Test("processing times compare within a unit and across units by working-day equivalents", arguments: [
        (ProcessingTime(amount: 3, unit: .workingDays), ProcessingTime(amount: 5, unit: .workingDays), true),
        (ProcessingTime(amount: 5, unit: .workingDays), ProcessingTime(amount: 5, unit: .workingDays), false),
        (ProcessingTime(amount: 4, unit: .workingHours), ProcessingTime(amount: 1, unit: .workingDays), true),
        (ProcessingTime(amount: 15, unit: .calendarDays), ProcessingTime(amount: 10, unit: .workingDays), false),
        (ProcessingTime(amount: 20, unit: .workingDays), ProcessingTime(amount: 1, unit: .months), true),
    ])
    func shorter(a: ProcessingTime, b: ProcessingTime, expected: Bool) {
        #expect(a.isShorter(than: b) == expected)
    }

    @Test("search terms fold case, tones, đ and NFD input to the same words", arguments: [
        "dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "đăng ký kết hôn", "Đa\u{0306}ng ky\u{0301} ke\u{0302}\u{0301}t ho\u{0302}n",
    ])
    func terms(query: String) {
        #expect(CatalogueSearch.terms(query) == ["dang", "ky", "ket", "hon"])
    }

    @Test("exact names and codes rank before prefixes, prefixes before the rest", arguments: [
        ("đăng ký kết hôn", "Đăng ký kết hôn", "1.000894", 0),
        ("1.000894", "Đăng ký kết hôn", "1.000894", 0),
        ("dang ky", "Đăng ký kết hôn", "1.000894", 1),
        ("ket hon", "Đăng ký kết hôn", "1.000894", 2),
    ])
    func rank(query: String, name: String, code: String, expected: Int) {
        #expect(CatalogueSearch.rank(query: query, name: name, code: code) == expected)
    }
}

@Suite("Simplification tracker")
struct SimplificationTests {
    static func change(_ id: Procedure.ID, from: Double, to: Double, on date: String) -> ProcessingTimeChange {
        ProcessingTimeChange(procedureID: id, code: "c", name: "n", field: "Hộ tịch", unitID: nil,
                             before: .init(amount: from, unit: .workingDays), after: .init(amount: to, unit: .workingDays),
                             effectiveFrom: LocalDate(iso: date)!, decision: "QĐ")
    }

    @Test("procedures shortened inside the period count once each, against the target")
    func report() {
        let a = Procedure.ID.random(), b = Procedure.ID.random(), c = Procedure.ID.random()
        let changes = [
            Self.change(a, from: 5, to: 3, on: "2023-03-01"),
            Self.change(a, from: 3, to: 2, on: "2024-03-01"),
            Self.change(b, from: 3, to: 4, on: "2023-06-01"),
            Self.change(c, from: 10, to: 7, on: "2020-12-31"),
        ]
        let report = Simplification.report(changes: changes, procedureCount: 8, from: LocalDate(iso: "2021-01-01")!,
                                           to: LocalDate(iso: "2025-12-31")!, targetPercent: 20)
        #expect(report.shortened.map(\.procedureID) == [a])
        #expect(report.shortened.first?.after.amount == 2)
        #expect(report.percentShortened == 12.5)
        #expect(report.meetsTarget == false)
        #expect(Simplification.report(changes: [], procedureCount: 0, from: LocalDate(iso: "2021-01-01")!,
                                      to: LocalDate(iso: "2021-12-31")!, targetPercent: nil).percentShortened == nil)
    }
}
