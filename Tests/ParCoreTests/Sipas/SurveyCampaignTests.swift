import Foundation
import Testing
@testable import ParCore

@Suite("SIPAS sample survey campaigns")
struct SurveyCampaignTests {
    static let day = LocalDate(iso: "2026-01-01")!

    @Test("a campaign needs a name, a margin of 1–20% and a period of at most two years", arguments: [
        ("", 0.05, 30, "name"), ("Đợt 1", 0.005, 30, "margin"), ("Đợt 1", 0.25, 30, "margin"), ("Đợt 1", 0.05, 800, "to"), ("Đợt 1", 0.05, -1, "to"),
    ])
    func draft(name: String, margin: Double, days: Int, field: String) {
        do {
            _ = try SurveyCampaign.checkDraft(name: name, margin: margin, from: Self.day, through: Self.day.adding(days: days))
            Issue.record("accepted")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test("the draw is per receiving unit, n = N/(1+N·e²), the same for the same seed; nothing returned, nothing to survey")
    func draw() throws {
        let a = UUID(), b = UUID()
        let population = [a: (0..<200).map { _ in UUID() }, b: (0..<10).map { _ in UUID() }]
        let first = try SurveyCampaign.draw(population, margin: 0.05, seed: 42)
        let again = try SurveyCampaign.draw(population, margin: 0.05, seed: 42)
        #expect(first.strata.map(\.size).sorted() == [SampleDesign.size(population: 10, margin: 0.05), SampleDesign.size(population: 200, margin: 0.05)].sorted())
        #expect(first.drawn.map(\.dossier) == again.drawn.map(\.dossier))
        #expect(first.drawn.count == first.strata.map(\.size).reduce(0, +))
        #expect(throws: DomainError.self) { try SurveyCampaign.draw([:], margin: 0.05, seed: 1) }
        #expect(throws: DomainError.self) { try SampleStatus.answered.checkMarkable() }
        #expect(throws: DomainError.self) { try SampleStatus.answered.checkChangeable() }
        try SampleStatus.unreachable.checkMarkable()
    }
}
