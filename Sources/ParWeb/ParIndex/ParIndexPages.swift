import Foundation
import ParCore
import ParStore
import Vapor

/// The PAR index pages: the sets and their phases (Home Affairs), a unit's self-assessment
/// with evidence and its appraisal leaf by leaf, the ranking (printable, CSV, XLSX) and the
/// unit report card with the trail from every score to its evidence and comments.
struct ParIndexPages {
    let stores: Stores

    func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.parIndex.pattern, use: list)
        routes.post(Paths.parIndex.pattern, use: create)
        routes.get(Paths.parIndexSet.pattern, use: show)
        routes.post(Paths.parIndexSet.pattern, use: changeSet)
        routes.get(Paths.parIndexAssessment.pattern, use: assessment)
        routes.on(.POST, Paths.parIndexAssessment.pattern, body: .collect(maxSize: "64mb"), use: changeAssessment)
        routes.get(Paths.parIndexReport.pattern, use: report)
        routes.get(Paths.parIndexResults.pattern, use: results)
        routes.get(Paths.parIndexResultsCSV.pattern, use: resultsCSV)
        routes.get(Paths.parIndexResultsXLSX.pattern, use: resultsXLSX)
        routes.get(Paths.parIndexEvidence.pattern, use: evidence)
    }

    typealias Option = SatisfactionPages.Option

    func phaseLabel(_ phase: CriteriaSet.Phase, en: Bool) -> String { phase.name(en: en) }

    func methodLabel(_ method: ScoringMethod?, en: Bool) -> String {
        switch method {
        case .manual: Messages.text("par-index-pages.self-assessed", en: en)
        case .survey: Messages.text("par-index-pages.survey", en: en)
        case .proportional(let metric): (Messages.text("par-index-pages.automatic", en: en)) + metric
        case .tiers(let metric, let tiers):
            (Messages.text("par-index-pages.automatic", en: en)) + metric + " (" + tiers.map { "≥\(Format.number($0.minRate * 100, en: en))% → \(Format.number($0.share * 100, en: en))%" }.joined(separator: ", ") + ")"
        case nil: ""
        }
    }

    // MARK: Sets

    struct SetLine: Encodable {
        let name: String
        let link: String
        let year: Int
        let kind: String
        let phase: String
        let resultsLink: String?
    }

    @Sendable func list(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        try stores.parIndexService.requireViewer(request)
        let principal = try request.requirePrincipal()
        let sets = try await stores.parIndex.sets()
        let lines = sets.map {
            SetLine(name: $0.name, link: Paths.parIndexSet.link($0.id), year: $0.year, kind: $0.targetKind.name(en: en),
                    phase: phaseLabel($0.phase, en: en), resultsLink: $0.phase >= .finalised ? Paths.parIndexResults.link($0.id) : nil)
        }
        struct Context: Encodable { let sets: [SetLine]; let canEdit: Bool; let copyOptions: [Option]; let nextYear: Int; let kinds: [Option] }
        return try await Page.render("par-index", title: Messages.text("par-index.par-index", en: en), context: Context(
            sets: lines, canEdit: principal.mayAnywhere(.appraiseParIndex),
            copyOptions: sets.map { Option(value: $0.id.description, label: $0.name, selected: false) },
            nextYear: VietnamTime.localDate(of: request.now).year,
            kinds: [UnitKind.department, .commune, .district].map { Option(value: $0.rawValue, label: $0.name(en: en), selected: false) }),
            request: request)
    }

    /// A new draft: copied from a set, or an empty three-line skeleton to edit.
    @Sendable func create(_ request: Request) async throws -> Response {
        try stores.parIndexService.requireAppraiser(request)
        let form = try request.content.decode([String: String].self)
        guard let year = Int(form["year"] ?? ""), (2000...2100).contains(year) else {
            throw Problem(DomainError.invalid("Năm không hợp lệ.", english: "Not a valid year.", field: "year"))
        }
        let repository = stores.parIndex
        let created: CriteriaSet
        if let source = CriteriaSet.ID(string: form["copyFrom"] ?? "") {
            created = try await repository.copy(source, to: year, actor: request.auditActor, now: request.now)
        } else {
            guard let kind = UnitKind(rawValue: form["kind"] ?? "") else {
                throw Problem(DomainError.invalid("Chọn loại đơn vị.", english: "Choose the kind of unit.", field: "kind"))
            }
            created = try await repository.create(CriteriaSet(id: .random(), year: year, targetKind: kind, name: "Chỉ số CCHC \(year)", criteria: [
                Criterion(code: "1", title: "Công tác chỉ đạo, điều hành", maxPoints: 100, field: .direction),
                Criterion(code: "1.1", title: "Kế hoạch cải cách hành chính", maxPoints: 100, method: .manual),
            ]), actor: request.auditActor, now: request.now)
        }
        return request.redirect(to: Paths.parIndexSet.link(created.id))
    }

    struct NodeLine: Encodable {
        let code: String
        let depth: Int
        let title: String
        let maxPoints: String
        let method: String
        let evidence: String
    }

    struct UnitLine: Encodable {
        let name: String
        let link: String
        let submitted: Bool
    }

    struct SetContext: Encodable {
        let name: String
        let year: Int
        let kind: String
        let phase: String
        let total: String
        let nodes: [NodeLine]
        let canEdit: Bool
        let draft: Bool
        let lines: String
        let nextPhase: String?
        let units: [UnitLine]
        let resultsLink: String?
        let action: String
        /// The phases' last days, shown (dd/mm/yyyy) and as the date inputs want them (ISO).
        let selfAssessmentDeadline: String?
        let appraisalDeadline: String?
        let selfAssessmentDeadlineISO: String
        let appraisalDeadlineISO: String
        let deadlinesEditable: Bool
        let errors: [FormError]?
    }

    func renderSet(_ request: Request, lines override: String? = nil, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let set = try await stores.parIndexService.set(request.parameters.get("setID"), request: request)
        let principal = try request.requirePrincipal()
        var names = Names(stores)
        var units: [UnitLine] = []
        for a in try await stores.parIndex.assessments(set.id) {
            guard let record = try await stores.units.find(a.unitID),
                  principal.may(.selfAssess, onUnitWithAncestry: record.ancestry) || principal.may(.appraiseParIndex, onUnitWithAncestry: record.ancestry) else { continue }
            units.append(UnitLine(name: try await names.unit(a.unitID), link: Paths.parIndexAssessment.link(set.id, a.unitID), submitted: a.submittedAt != nil))
        }
        units.sort { VietnameseText.precedes($0.name, $1.name) }
        let canEdit = principal.mayAnywhere(.appraiseParIndex)
        let context = SetContext(
            name: set.name, year: set.year, kind: set.targetKind.name(en: en), phase: phaseLabel(set.phase, en: en),
            total: Format.number(set.totalPoints, en: en),
            nodes: set.criteria.map { NodeLine(code: $0.code, depth: $0.depth, title: $0.title, maxPoints: Format.number($0.maxPoints, en: en),
                                               method: $0.field.map { $0.name(en: en) } ?? methodLabel($0.method, en: en), evidence: $0.evidence) },
            canEdit: canEdit, draft: set.phase == .draft, lines: override ?? stores.parIndexService.lines(set),
            nextPhase: set.phase.next.map { phaseLabel($0, en: en) }, units: units,
            resultsLink: set.phase >= .finalised ? Paths.parIndexResults.link(set.id) : nil, action: Paths.parIndexSet.link(set.id),
            selfAssessmentDeadline: set.deadline(.selfAssessment)?.shown, appraisalDeadline: set.deadline(.appraisal)?.shown,
            selfAssessmentDeadlineISO: set.deadline(.selfAssessment)?.iso ?? "", appraisalDeadlineISO: set.deadline(.appraisal)?.iso ?? "",
            deadlinesEditable: canEdit && set.phase < .finalised, errors: errors)
        return try await Page.render("par-index-set", title: set.name, context: context, request: request, failed: errors != nil)
    }

    @Sendable func show(_ request: Request) async throws -> Response { try await renderSet(request) }

    @Sendable func changeSet(_ request: Request) async throws -> Response {
        try stores.parIndexService.requireAppraiser(request)
        let set = try await stores.parIndexService.set(request.parameters.get("setID"), request: request)
        let form = try request.content.decode([String: String].self)
        let repository = stores.parIndex
        do {
            switch form["action"] {
            case "save":
                var changed = set
                changed.name = form["name"] ?? set.name
                changed.criteria = try stores.parIndexService.criteria(form["lines"] ?? "")
                if let total = Double((form["total"] ?? "").replacingOccurrences(of: ",", with: ".")) { changed.totalPoints = total }
                _ = try await repository.update(changed, actor: request.auditActor, now: request.now)
            case "deadlines":
                _ = try await stores.parIndexService.setDeadlines(set.id.description, selfAssessment: form["selfAssessment"], appraisal: form["appraisal"],
                                                           request: request)
            case "advance":
                _ = try await repository.advance(set.id, metrics: stores.parIndexService.metrics(request), actor: request.auditActor, now: request.now)
            default:
                throw DomainError.invalid("Không có thao tác này.", english: "No such action.", field: "action")
            }
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderSet(request, lines: form["lines"], errors: errors)
        }
        return request.redirect(to: Paths.parIndexSet.link(set.id))
    }

    // MARK: Assessment

    struct FileLine: Encodable {
        let name: String
        let link: String
    }

    struct LeafLine: Encodable {
        let code: String
        let title: String
        let maxPoints: String
        let method: String
        let evidenceRequired: String
        let guidance: String
        let selfScore: String
        let explanation: String
        let references: String
        let files: [FileLine]
        let appraised: String
        let comment: String
        let response: String
        let computed: String
        let points: String
        let adjusted: Bool
        let canSelf: Bool
        let canAppraise: Bool
        let canRespond: Bool
        let canSurvey: Bool
        /// Where an automatic criterion's figure comes from.
        let dataLink: String?
    }

    /// The ParHub page behind a metric, for the unit's year.
    func dataLink(_ metric: String?, unit: OrgUnit.ID, year: Int) -> String? {
        switch metric {
        case nil: nil
        case PlanTarget.satisfaction: Paths.satisfactionUnit.link(unit) + "?period=\(year)"
        case Commitment.planCompletion: Paths.planUnit.link(unit) + "?year=\(year)"
        case let metric? where PersonnelMetric(rawValue: metric) != nil: Paths.personnelUnit.link(unit) + "?year=\(year)"
        default: Paths.indexUnit.link(unit) + "?period=\(year)"
        }
    }

    struct AssessmentContext: Encodable {
        let setName: String
        let unitName: String
        let phase: String
        let submitted: Bool
        let total: String
        let maxTotal: String
        let leaves: [LeafLine]
        let canSubmit: Bool
        let action: String
        let setLink: String
        let reportLink: String?
        let errors: [FormError]?
    }

    func renderAssessment(_ request: Request, errors: [FormError]? = nil) async throws -> Response {
        let en = Language.of(request) == .en
        let set = try await stores.parIndexService.set(request.parameters.get("setID"), request: request)
        let unit = try await stores.parIndexService.viewableUnit(request.parameters.get("unitID"), request: request)
        let principal = try request.requirePrincipal()
        guard let a = try await stores.parIndex.assessment(set.id, unit: unit.unit.id) else {
            throw Problem.notFound("Đơn vị chưa có bản đánh giá trong bộ tiêu chí này.", english: "The unit has no assessment in this set.")
        }
        let selfAssessor = principal.may(.selfAssess, onUnitWithAncestry: unit.ancestry)
        let appraiser = principal.may(.appraiseParIndex, onUnitWithAncestry: unit.ancestry)
        func shown(_ value: Double?) -> String { value.map { Format.number($0, en: en) } ?? "" }
        let leaves = set.leaves.map { leaf -> LeafLine in
            let s = a.scores[leaf.code] ?? LeafScore(code: leaf.code)
            let manual = leaf.method?.isSelfScored == true
            return LeafLine(
                code: leaf.code, title: leaf.title, maxPoints: Format.number(leaf.maxPoints, en: en), method: methodLabel(leaf.method, en: en),
                evidenceRequired: leaf.evidence, guidance: leaf.guidance, selfScore: shown(s.selfScore), explanation: s.explanation,
                references: s.references.joined(separator: "\n"),
                files: a.evidence.filter { $0.code == leaf.code }.map { FileLine(name: $0.name, link: Paths.parIndexEvidence.link($0.id.uuidString.lowercased())) },
                appraised: shown(s.appraisedScore), comment: s.appraisalComment ?? "", response: s.response ?? "",
                computed: shown(s.autoScore ?? s.surveyScore), points: Format.number(ParIndexScoring.points(leaf, s), en: en), adjusted: s.isAdjusted,
                canSelf: manual && selfAssessor && set.phase == .selfAssessment && a.submittedAt == nil,
                canAppraise: manual && appraiser && set.phase == .appraisal,
                canRespond: selfAssessor && set.phase == .appraisal && s.isAdjusted && s.response == nil,
                canSurvey: leaf.method == .survey && appraiser && set.phase == .appraisal,
                dataLink: dataLink(leaf.method?.metric, unit: unit.unit.id, year: set.year))
        }
        let total = set.leaves.reduce(0) { $0 + ParIndexScoring.points($1, a.scores[$1.code]) }
        let context = AssessmentContext(
            setName: set.name, unitName: unit.unit.name, phase: phaseLabel(set.phase, en: en), submitted: a.submittedAt != nil,
            total: Format.number(ParIndexScoring.round2(total), en: en), maxTotal: Format.number(set.totalPoints, en: en), leaves: leaves,
            canSubmit: selfAssessor && set.phase == .selfAssessment && a.submittedAt == nil,
            action: Paths.parIndexAssessment.link(set.id, unit.unit.id), setLink: Paths.parIndexSet.link(set.id),
            reportLink: set.phase >= .finalised ? Paths.parIndexReport.link(set.id, unit.unit.id) : nil, errors: errors)
        return try await Page.render("par-index-assessment", title: "\(set.name) — \(unit.unit.name)", context: context, request: request,
                                     failed: errors != nil)
    }

    @Sendable func assessment(_ request: Request) async throws -> Response { try await renderAssessment(request) }

    struct LeafForm: Content {
        var action: String
        var code: String?
        var score: String?
        var explanation: String?
        var references: String?
        var comment: String?
        var text: String?
        var file: File?
    }

    @Sendable func changeAssessment(_ request: Request) async throws -> Response {
        let set = try await stores.parIndexService.set(request.parameters.get("setID"), request: request)
        let unitID = request.parameters.get("unitID")
        let form = try request.content.decode(LeafForm.self)
        let repository = stores.parIndex
        let (actor, now) = (request.auditActor, request.now)
        func number(_ raw: String?) throws -> Double? {
            guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            guard let value = Double(raw.replacingOccurrences(of: ",", with: ".")) else {
                throw DomainError.invalid("Điểm phải là một số.", english: "A score is a number.", field: form.code ?? "score")
            }
            return value
        }
        do {
            let code = form.code ?? ""
            switch form.action {
            case "self":
                let unit = try await stores.parIndexService.unit(unitID, .selfAssess, request: request)
                _ = try await repository.selfScore(set.id, unit: unit.unit.id, code: code, score: try number(form.score), explanation: form.explanation ?? "",
                                                   references: (form.references ?? "").split(whereSeparator: \.isNewline).map(String.init), actor: actor, now: now)
                if let file = form.file, file.data.readableBytes > 0 {
                    let draft = try await request.storeUpload(file, kind: .component, component: nil, digitised: false, store: request.fileStore)
                    _ = try await repository.addEvidence(set.id, unit: unit.unit.id, code: code, blob: draft.blob, name: draft.originalName,
                                                         contentType: draft.contentType, actor: actor, now: now)
                }
            case "submit":
                let unit = try await stores.parIndexService.unit(unitID, .selfAssess, request: request)
                try await repository.submit(set.id, unit: unit.unit.id, actor: actor, now: now)
            case "appraise":
                let unit = try await stores.parIndexService.unit(unitID, .appraiseParIndex, request: request)
                guard let score = try number(form.score) else {
                    throw DomainError.invalid("Cần điểm thẩm định.", english: "An appraised score is required.", field: code)
                }
                _ = try await repository.appraise(set.id, unit: unit.unit.id, code: code, score: score, comment: form.comment, actor: actor, now: now)
            case "respond":
                let unit = try await stores.parIndexService.unit(unitID, .selfAssess, request: request)
                _ = try await repository.respond(set.id, unit: unit.unit.id, code: code, text: form.text ?? "", actor: actor, now: now)
            case "survey":
                let unit = try await stores.parIndexService.unit(unitID, .appraiseParIndex, request: request)
                guard let score = try number(form.score) else {
                    throw DomainError.invalid("Cần điểm điều tra.", english: "A survey score is required.", field: code)
                }
                _ = try await repository.importSurvey(set.id, unit: unit.unit.id, code: code, score: score, actor: actor, now: now)
            default:
                throw DomainError.invalid("Không có thao tác này.", english: "No such action.", field: "action")
            }
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderAssessment(request, errors: errors)
        }
        return request.redirect(to: Paths.parIndexAssessment.link(set.id, unitID ?? "") + (form.code.map { "#leaf-\($0)" } ?? ""))
    }

    @Sendable func evidence(_ request: Request) async throws -> Response {
        guard let id = UUID(uuidString: request.parameters.get("fileID") ?? ""),
              let (file, setID, unitID) = try await stores.parIndex.evidence(id) else {
            throw Problem.notFound("Không tìm thấy tệp.", english: "File not found.")
        }
        _ = try await stores.parIndexService.set(setID.description, request: request)
        _ = try await stores.parIndexService.viewableUnit(unitID.description, request: request)
        let data: Data
        do { data = try await request.readFile(file.sha256) } catch {
            throw Problem(status: .gone, detail: "Tệp không còn trong kho lưu trữ.", detailEn: "The file is no longer in storage.")
        }
        let response = Download.response(data, type: file.contentType, name: file.name)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    // MARK: Results

    struct ResultLine: Encodable {
        let rank: Int
        let unit: String
        let reportLink: String?
        let points: String
        let percent: String
        let band: String
        /// The band is one the set named itself (data, Vietnamese), not a standard one.
        let bandIsData: Bool
        let change: String
        let fields: [String]
    }

    /// A band's name in the page language: the standard bands (`ClassificationBand.standard`) are
    /// ParHub's words; a band a set names itself is data, shown as written (`isData`).
    static func band(_ name: String?, en: Bool) -> (text: String, isData: Bool) {
        let key: String? = switch name {
        case "Xuất sắc": "par-index.band.excellent"
        case "Tốt": "par-index.band.good"
        case "Khá": "par-index.band.fairly-good"
        case "Trung bình": "par-index.band.average"
        case "Yếu": "par-index.band.weak"
        default: nil
        }
        guard let name else { return ("", false) }
        return key.map { (Messages.text($0, en: en), false) } ?? (name, true)
    }

    /// One unit's line of a ranking table (the staff's and the portal's).
    static func line(_ r: ParIndexResult, unit: String, reportLink: String?, en: Bool) -> ResultLine {
        ResultLine(rank: r.rank, unit: unit, reportLink: reportLink, points: Format.number(r.points, en: en), percent: Format.percent(r.percent, en: en, digits: 2),
                   band: band(r.band, en: en).text, bandIsData: band(r.band, en: en).isData, change: r.change.map { Format.change($0, en: en, digits: 2) } ?? "—",
                   fields: r.fields.map { Format.percent($0.percent, en: en, digits: 2) })
    }

    func resultTable(_ request: Request) async throws -> (CriteriaSet, [ResultLine], [String]) {
        let set = try await stores.parIndexService.set(request.parameters.get("setID"), request: request)
        let results = try await stores.parIndexService.results(set, request: request)
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        var names = Names(stores)
        var lines: [ResultLine] = []
        for r in results {
            let record = try await stores.units.find(r.unitID)
            let mayOpen = record.map { principal.may(.selfAssess, onUnitWithAncestry: $0.ancestry) || principal.may(.appraiseParIndex, onUnitWithAncestry: $0.ancestry) } ?? false
            lines.append(Self.line(r, unit: try await names.unit(r.unitID), reportLink: mayOpen ? Paths.parIndexReport.link(set.id, r.unitID) : nil, en: en))
        }
        let header = set.children(of: nil).map { "\($0.code). \($0.title)" }
        return (set, lines, header)
    }

    @Sendable func results(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let (set, lines, header) = try await resultTable(request)
        struct Context: Encodable { let name: String; let phase: String; let lines: [ResultLine]; let fields: [String]; let csv: String; let xlsx: String; let setLink: String }
        return try await Page.render("par-index-results", title: "\(Messages.text("common.ranking", en: en)) — \(set.name)", context: Context(
            name: set.name, phase: phaseLabel(set.phase, en: en), lines: lines, fields: header,
            csv: Paths.parIndexResultsCSV.link(set.id), xlsx: Paths.parIndexResultsXLSX.link(set.id), setLink: Paths.parIndexSet.link(set.id)), request: request)
    }

    func exportRows(_ request: Request) async throws -> (CriteriaSet, [[String]]) {
        let en = Language.of(request) == .en
        let (set, lines, header) = try await resultTable(request)
        let head = [Messages.text("par-index-pages.rank", en: en), Messages.text("ui.unit", en: en), Messages.text("common.points", en: en), "%", Messages.text("common.band", en: en), Messages.text("par-index-pages.change", en: en)] + header
        return (set, [head] + lines.map { [String($0.rank), $0.unit, $0.points, $0.percent.replacingOccurrences(of: "%", with: ""), $0.band, $0.change]
            + $0.fields.map { $0.replacingOccurrences(of: "%", with: "") } })
    }

    @Sendable func resultsCSV(_ request: Request) async throws -> Response {
        let (set, rows) = try await exportRows(request)
        return TableExport.csv(rows, name: "chi-so-cchc-\(set.year)-\(set.targetKind.rawValue).csv")
    }

    @Sendable func resultsXLSX(_ request: Request) async throws -> Response {
        let (set, rows) = try await exportRows(request)
        return TableExport.xlsx(rows, sheet: "Chỉ số CCHC \(set.year)", name: "chi-so-cchc-\(set.year)-\(set.targetKind.rawValue).xlsx", numbers: true)
    }

    struct FieldLine: Encodable {
        let title: String
        let points: String
        let percent: String
        let versus: String
    }

    @Sendable func report(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let set = try await stores.parIndexService.set(request.parameters.get("setID"), request: request)
        let unit = try await stores.parIndexService.viewableUnit(request.parameters.get("unitID"), request: request)
        guard let result = try await stores.parIndexService.results(set, request: request).first(where: { $0.unitID == unit.unit.id }) else {
            throw Problem.notFound("Đơn vị không có kết quả trong bộ tiêu chí này.", english: "The unit has no result in this set.")
        }
        func line(_ f: ParIndexResult.FieldResult) -> FieldLine {
            FieldLine(title: "\(f.code). \(f.title)", points: "\(Format.number(f.points, en: en))/\(Format.number(f.maxPoints, en: en))",
                      percent: Format.percent(f.percent, en: en, digits: 2), versus: Format.change(f.versusPeers, en: en, digits: 2))
        }
        struct Context: Encodable {
            let setName: String
            let unitName: String
            let rank: Int
            let points: String
            let percent: String
            let band: String
            let bandIsData: Bool
            let change: String
            let fields: [FieldLine]
            let strengths: [FieldLine]
            let weaknesses: [FieldLine]
            let assessmentLink: String
            let resultsLink: String
        }
        return try await Page.render("par-index-report", title: "\(set.name) — \(unit.unit.name)", context: Context(
            setName: set.name, unitName: unit.unit.name, rank: result.rank, points: Format.number(result.points, en: en),
            percent: Format.percent(result.percent, en: en, digits: 2), band: Self.band(result.band, en: en).text,
            bandIsData: Self.band(result.band, en: en).isData, change: result.change.map { Format.change($0, en: en, digits: 2) } ?? "—",
            fields: result.fields.map(line), strengths: result.strengths.map(line), weaknesses: result.weaknesses.map(line),
            assessmentLink: Paths.parIndexAssessment.link(set.id, unit.unit.id), resultsLink: Paths.parIndexResults.link(set.id)), request: request)
    }
}
