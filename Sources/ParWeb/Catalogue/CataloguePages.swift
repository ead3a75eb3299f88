import Foundation
import ParCore
import ParStore
import Vapor

/// The public procedure catalogue (search, browse by field and agency, the
/// procedure page and its print view, the simplification report, CSV export)
/// and the officers' editor (editCatalogue, checked by `CatalogueService.requireEdit`).
struct CataloguePages {
    let stores: Stores

    func registerPublic(_ routes: any RoutesBuilder) {
        routes.get(Paths.procedures.pattern, use: list)
        routes.get(Paths.catalogueExport.pattern, use: export)
        routes.get(Paths.catalogueExportXLSX.pattern, use: exportXLSX)
        routes.get(Paths.procedure.pattern, use: show)
        routes.get(Paths.simplification.pattern, use: simplification)
    }

    func registerOfficer(_ routes: any RoutesBuilder) {
        routes.get(Paths.procedureNew.pattern, use: newForm)
        routes.post(Paths.procedureNew.pattern, use: create)
        routes.get(Paths.procedureEdit.pattern, use: editForm)
        routes.post(Paths.procedureEdit.pattern, use: update)
    }

    // MARK: Public

    struct Row: Encodable {
        let code: String
        let name: String
        let field: String
        let agency: String
        let time: String
        let online: String
        let link: String
    }

    struct Facet: Encodable {
        let label: String
        let count: Int
        let link: String
        /// The label is a name from the data (a field, a unit), not ParHub's own text.
        var isData = true
    }

    struct ListContext: Encodable {
        let q: String
        let field: String
        let total: Int
        let results: [Row]
        let searched: Bool
        let fields: [Facet]
        let agencies: [Facet]
        let nextLink: String?
        let canEdit: Bool
    }

    func row(_ p: Procedure, en: Bool) -> Row {
        Row(code: p.code, name: p.name, field: p.field, agency: p.agency,
            time: Format.processingTime(p.processingTime, en: en),
            online: domainText(p.onlineLevel.vietnamese, p.onlineLevel.rawValue, en: en), link: Paths.procedure.link(p.code))
    }

    @Sendable func list(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let q = VietnameseText.clean((try? request.query.get(String.self, at: "q")) ?? "")
        let field = VietnameseText.clean((try? request.query.get(String.self, at: "field")) ?? "")
        let unitRaw = (try? request.query.get(String.self, at: "unit")) ?? ""
        let level = (try? request.query.get(String.self, at: "level")).flatMap(Procedure.Level.init(rawValue:))
        let offset = max(0, (try? request.query.get(Int.self, at: "offset")) ?? 0)
        let repository = stores.procedures
        let searched = !q.isEmpty || !field.isEmpty || !unitRaw.isEmpty || level != nil
        var results: [Row] = [], total = 0, next: String?
        do {
            let page = try await repository.search(.init(text: String(q.prefix(200)), field: field.isEmpty ? nil : field,
                                                         unitID: OrgUnit.ID(string: unitRaw), level: level,
                                                         offset: offset, limit: 50))
            results = page.items.map { row($0, en: en) }
            total = page.total
            if offset + results.count < total {
                var parts = URLComponents()
                parts.queryItems = [.init(name: "q", value: q), .init(name: "field", value: field),
                                    .init(name: "unit", value: unitRaw), .init(name: "level", value: level?.rawValue),
                                    .init(name: "offset", value: String(offset + results.count))].filter { $0.value?.isEmpty == false }
                next = Paths.procedures.link() + "?" + (parts.percentEncodedQuery ?? "")
            }
        }
        func link(_ items: [URLQueryItem]) -> String {
            var parts = URLComponents()
            parts.queryItems = items
            return Paths.procedures.link() + "?" + (parts.percentEncodedQuery ?? "")
        }
        let fields = try await repository.fields().map {
            Facet(label: $0.field, count: $0.count, link: link([.init(name: "field", value: $0.field)]))
        }
        let agencies = try await repository.agencies().map { item in
            Facet(label: item.unitID == nil ? Messages.text("ui.communeLevel", Language.of(request)) : item.agency, count: item.count,
                  link: item.unitID.map { link([.init(name: "unit", value: $0.description)]) } ?? link([.init(name: "level", value: "commune")]),
                  isData: item.unitID != nil)
        }
        let canEdit = request.principal?.mayAnywhere(.editCatalogue) ?? false
        return try await Page.render("procedures", title: Messages.text("ui.procedures", Language.of(request)),
                                     context: ListContext(q: q, field: field, total: total, results: results, searched: searched,
                                                          fields: fields, agencies: agencies, nextLink: next, canEdit: canEdit),
                                     request: request)
    }

    struct VersionRow: Encodable {
        let version: Int
        let time: String
        let decision: String
        let effectiveFrom: String
        let changedAt: String
    }

    struct ShowContext: Encodable {
        let procedure: Procedure
        let level: String
        let time: String
        let online: String
        let methods: [String]
        let fees: [Format.FeeLine]
        let missing: [String]
        let versions: [VersionRow]
        /// Where a citizen submits it online, when the procedure accepts online dossiers.
        let submitLink: String?
        let printLink: String
        let editLink: String?
    }

    func load(_ request: Request) async throws -> Procedure {
        guard let code = request.parameters.get("code"),
              let procedure = try await stores.procedures.find(code: code) else {
            throw Problem.notFound("Không tìm thấy thủ tục.", english: "Procedure not found.")
        }
        return procedure
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        let en = Language.of(request) == .en
        let p = try await load(request)
        let versions = try await stores.procedures.versions(of: p.id).map {
            VersionRow(version: $0.version, time: Format.processingTime($0.procedure.processingTime, en: en), decision: $0.decision ?? "",
                       effectiveFrom: LocalTime.format($0.effectiveFrom), changedAt: LocalTime.format($0.changedAt))
        }
        let language = Language.of(request)
        let fees = p.fees.map { Format.fee($0, en: language == .en) }
        var canEdit = false
        if let principal = request.principal, principal.mayAnywhere(.editCatalogue) {
            canEdit = (try? await CatalogueService.requireEdit(p.unitID, access: stores.access(request))) != nil
        }
        let context = ShowContext(
            procedure: p, level: p.level.name(en: en), time: row(p, en: en).time,
            online: domainText(p.onlineLevel.vietnamese, p.onlineLevel.rawValue, en: en),
            methods: p.methods.map { Format.method($0, en: en) }, fees: fees, missing: p.missingParts,
            versions: versions, submitLink: p.methods.contains(.online) ? Paths.citizenSubmit.link(p.code) : nil,
            printLink: Paths.procedure.link(p.code) + "?print=1",
            editLink: canEdit ? Paths.procedureEdit.link(p.code) : nil)
        return try await Page.render("procedure", title: p.name, context: context, request: request)
    }

    @Sendable func export(_ request: Request) async throws -> Response {
        let repository = stores.procedures
        let page = try await repository.search(.init(offset: 0, limit: 100_000))
        let units = try await stores.units.all()
        let keys = Dictionary(units.map { ($0.id, $0.key) }, uniquingKeysWith: { a, _ in a })
        let body = ProcedureImportFile.csv(page.items, unitKeys: keys)
        return Response(status: .ok, headers: [
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": "attachment; filename=\"thu-tuc-hanh-chinh.csv\"",
        ], body: .init(string: "\u{FEFF}" + body))
    }

    /// The catalogue as an Excel workbook: one row per procedure.
    @Sendable func exportXLSX(_ request: Request) async throws -> Response {
        let page = try await stores.procedures.search(.init(offset: 0, limit: 100_000))
        let header = ["Mã / Code", "Tên thủ tục / Name", "Lĩnh vực / Field", "Cấp / Level", "Cơ quan thực hiện / Agency",
                      "Thời hạn / Time", "Đơn vị thời hạn / Unit", "Trực tuyến / Online", "Tổng phí, lệ phí (đồng) / Fees (VND)",
                      "Công khai đủ / Complete"].map(XLSXWriter.Cell.text)
        let rows = page.items.map { p -> [XLSXWriter.Cell] in
            [.text(p.code), .text(p.name), .text(p.field), .text(p.level.vietnamese), .text(p.agency),
             .number(p.processingTime.amount), .text(p.processingTime.unit.vietnamese), .text(p.onlineLevel.vietnamese),
             .number(Double(p.fees.reduce(0) { $0 + $1.amountVND })), .text(p.isComplete ? "Có" : "Chưa")]
        }
        let data = XLSXWriter(sheetName: "Thủ tục hành chính", rows: [header] + rows).data()
        return Response(status: .ok, headers: [
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Content-Disposition": "attachment; filename=\"thu-tuc-hanh-chinh.xlsx\"",
        ], body: .init(data: data))
    }

    struct ChangeRow: Encodable {
        let code: String
        let name: String
        let field: String
        let before: String
        let after: String
        let effectiveFrom: String
        let decision: String
        let link: String
    }

    struct ReportContext: Encodable {
        let from: String
        let to: String
        let field: String
        let target: String
        let fields: [String]
        let rows: [ChangeRow]
        let procedureCount: Int
        let percent: String
        let meetsTarget: Bool?
        let errors: [FormError]?
    }

    @Sendable func simplification(_ request: Request) async throws -> Response {
        let fromText = (try? request.query.get(String.self, at: "from")) ?? "2021-01-01"
        let toText = (try? request.query.get(String.self, at: "to")) ?? LocalTime.today(request.now).iso
        let field = VietnameseText.clean((try? request.query.get(String.self, at: "field")) ?? "")
        let targetText = (try? request.query.get(String.self, at: "target")) ?? "20"
        let repository = stores.procedures
        let fields = try await repository.fields().map(\.field)
        var context = ReportContext(from: fromText, to: toText, field: field, target: targetText, fields: fields, rows: [],
                                    procedureCount: 0, percent: "—", meetsTarget: nil, errors: nil)
        do {
            guard let from = LocalDate(iso: fromText), let to = LocalDate(iso: toText), from <= to else {
                throw DomainError.invalid("Hãy chọn hai ngày theo thứ tự.", english: "Choose two dates in order.", field: "from")
            }
            let target = Double(targetText.replacingOccurrences(of: ",", with: "."))
            let report = try await repository.simplification(from: from, to: to, unitID: nil,
                                                             field: field.isEmpty ? nil : field, targetPercent: target)
            context = ReportContext(
                from: fromText, to: toText, field: field, target: targetText, fields: fields,
                rows: report.shortened.map {
                    ChangeRow(code: $0.code, name: $0.name, field: $0.field, before: $0.before.description,
                              after: $0.after.description, effectiveFrom: LocalTime.format($0.effectiveFrom),
                              decision: $0.decision, link: Paths.procedure.link($0.code))
                },
                procedureCount: report.procedureCount,
                percent: Format.percent(report.percentShortened, en: Language.of(request) == .en, digits: 2),
                meetsTarget: report.meetsTarget, errors: nil)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            context = ReportContext(from: fromText, to: toText, field: field, target: targetText, fields: fields, rows: [],
                                    procedureCount: 0, percent: "—", meetsTarget: nil, errors: errors)
        }
        return try await Page.render("simplification", title: Messages.text("ui.simplification", Language.of(request)),
                                     context: context, request: request)
    }

    // MARK: Officer editor

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct EditContext: Encodable {
        let isNew: Bool
        let action: String
        let form: [String: String]
        let levels: [Option]
        let units: [Option]
        let onlineLevels: [Option]
        let resultTypes: [Option]
        let timeUnits: [Option]
        let methods: [Option]
        let errors: [FormError]?
    }

    /// The editor's fields: one string each; lists are one item per line, and
    /// documents, fees and inter-agency steps separate their parts with " | ".
    struct Form: Content {
        var code: String?
        var name: String?
        var field: String?
        var level: String?
        var unitKey: String?
        var agency: String?
        var applicants: String?
        var steps: String?
        var methods: [String]?
        var documents: String?
        var processingAmount: String?
        var processingUnit: String?
        var processingNote: String?
        var result: String?
        var resultType: String?
        var fees: String?
        var legalBasis: String?
        var onlineLevel: String?
        var fullOnlineEligible: String?
        var interAgencySteps: String?
        var decision: String?
        var effectiveFrom: String?
        var version: Int?
    }

    func formValues(_ p: Procedure, unitKey: String) -> [String: String] {
        [
            "code": p.code, "name": p.name, "field": p.field, "unitKey": unitKey, "agency": p.agency,
            "applicants": p.applicants, "steps": p.steps.joined(separator: "\n"),
            "documents": p.documents.map { "\($0.name) | \($0.copies)" + ($0.template.map { " | \($0)" } ?? "") }.joined(separator: "\n"),
            "processingAmount": p.processingTime.amount.clean, "processingNote": p.processingNote ?? "", "result": p.result,
            "fees": p.fees.map { "\($0.description) | \($0.amountVND)" }.joined(separator: "\n"),
            "legalBasis": p.legalBasis.joined(separator: "\n"),
            "interAgencySteps": p.interAgencySteps.map { "\($0.unit) | \($0.days)" }.joined(separator: "\n"),
            "fullOnlineEligible": p.fullOnlineEligible ? "1" : "", "version": String(p.version),
        ]
    }

    func renderEditor(_ request: Request, procedure: Procedure?, values: [String: String], selected: Form?,
                             errors: [FormError]?) async throws -> Response {
        let en = Language.of(request) == .en
        let p = procedure
        let level = selected?.level ?? p?.level.rawValue ?? "commune"
        let unitKey = values["unitKey"] ?? ""
        let departments = try await stores.units.all()
            .filter { $0.kind == .department && $0.validTo == nil }.sorted { VietnameseText.precedes($0.name, $1.name) }
        let chosenMethods = Set(selected?.methods ?? p?.methods.map(\.rawValue) ?? ["counter"])
        let online = selected?.onlineLevel ?? p?.onlineLevel.rawValue ?? "none"
        let resultType = selected?.resultType ?? p?.resultType.rawValue ?? "paper"
        let unit = selected?.processingUnit ?? p?.processingTime.unit.rawValue ?? "workingDays"
        var form = values
        form["processingUnit"] = unit
        let context = EditContext(
            isNew: p == nil,
            action: p.map { Paths.procedureEdit.link($0.code) } ?? Paths.procedureNew.link(),
            form: form,
            levels: Procedure.Level.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: $0.rawValue == level) },
            units: [Option(value: "", label: "—", selected: unitKey.isEmpty)]
                + departments.map { Option(value: $0.key, label: $0.name, selected: $0.key == unitKey) },
            onlineLevels: Procedure.OnlineLevel.allCases.map { Option(value: $0.rawValue, label: $0.vietnamese, selected: $0.rawValue == online) },
            resultTypes: Procedure.ResultType.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == resultType) },
            timeUnits: ProcessingTime.Unit.allCases.map { Option(value: $0.rawValue, label: $0.name(en: en), selected: $0.rawValue == unit) },
            methods: Procedure.Method.allCases.map { Option(value: $0.rawValue, label: $0.vietnamese, selected: chosenMethods.contains($0.rawValue)) },
            errors: errors)
        let language = Language.of(request)
        return try await Page.render("procedure-edit", title: p == nil ? Messages.text("ui.newProcedure", language) : Messages.text("ui.editProcedure", language),
                                     context: context, request: request, failed: errors != nil)
    }

    @Sendable func newForm(_ request: Request) async throws -> Response {
        try request.requirePrincipal().require(.editCatalogue)
        return try await renderEditor(request, procedure: nil, values: [:], selected: nil, errors: nil)
    }

    @Sendable func editForm(_ request: Request) async throws -> Response {
        let p = try await load(request)
        try await CatalogueService.requireEdit(p.unitID, access: stores.access(request))
        let key = try await p.unitID.asyncMap { try await stores.units.find($0)?.unit.key } ?? nil
        return try await renderEditor(request, procedure: p, values: formValues(p, unitKey: key ?? ""), selected: nil, errors: nil)
    }

    /// Builds a procedure from the editor's fields.
    func procedure(from form: Form, id: Procedure.ID, request: Request) async throws -> Procedure {
        func lines(_ text: String?) -> [String] {
            (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func parts(_ line: String) -> [String] { line.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        func number(_ text: String, field: String) throws -> Int {
            guard let value = Int(text.replacingOccurrences(of: ".", with: "")), value >= 0 else {
                throw DomainError.invalid("“\(text)” không phải số nguyên không âm.", english: "“\(text)” is not a whole non-negative number.", field: field)
            }
            return value
        }
        guard let level = form.level.flatMap(Procedure.Level.init(rawValue:)) else {
            throw DomainError.invalid("Hãy chọn cấp thực hiện.", english: "Choose the level.", field: "level")
        }
        guard let amount = Double((form.processingAmount ?? "").replacingOccurrences(of: ",", with: ".")),
              let unit = form.processingUnit.flatMap(ProcessingTime.Unit.init(rawValue:)) else {
            throw DomainError.invalid("Hãy nhập thời hạn giải quyết bằng số và chọn đơn vị.", english: "Enter the processing time as a number and choose its unit.", field: "processingAmount")
        }
        var unitID: OrgUnit.ID?
        if let key = form.unitKey.map(VietnameseText.clean), !key.isEmpty {
            guard let unit = try await stores.units.find(key: key) else {
                throw DomainError.invalid("Không tìm thấy cơ quan thực hiện.", english: "The implementing unit does not exist.", field: "unitKey")
            }
            unitID = unit.unit.id
        }
        let documents = try lines(form.documents).map { line -> Procedure.Document in
            let p = parts(line)
            return Procedure.Document(name: p[0], copies: p.count > 1 ? try number(p[1], field: "documents") : 1,
                                      template: p.count > 2 ? p[2] : nil)
        }
        let fees = try lines(form.fees).map { line -> Procedure.Fee in
            let p = parts(line)
            return Procedure.Fee(description: p[0], amountVND: p.count > 1 ? try number(p[1], field: "fees") : 0)
        }
        let steps = try lines(form.interAgencySteps).map { line -> Procedure.InterAgencyStep in
            let p = parts(line)
            return Procedure.InterAgencyStep(unit: p[0], days: p.count > 1 ? try number(p[1], field: "interAgencySteps") : 0)
        }
        return Procedure(
            id: id, code: form.code ?? "", name: form.name ?? "", field: form.field ?? "", level: level, unitID: unitID,
            agency: form.agency ?? "", applicants: form.applicants ?? "", steps: lines(form.steps),
            methods: (form.methods ?? []).compactMap(Procedure.Method.init(rawValue:)), documents: documents,
            processingTime: ProcessingTime(amount: amount, unit: unit), processingNote: form.processingNote,
            result: form.result ?? "", resultType: form.resultType.flatMap(Procedure.ResultType.init(rawValue:)) ?? .paper,
            fees: fees, legalBasis: lines(form.legalBasis),
            onlineLevel: form.onlineLevel.flatMap(Procedure.OnlineLevel.init(rawValue:)) ?? .none,
            fullOnlineEligible: form.fullOnlineEligible == "1", interAgencySteps: steps)
    }

    func publication(_ form: Form) throws -> ProcedureRepository.Publication {
        let text = (form.effectiveFrom ?? "").trimmingCharacters(in: .whitespaces)
        var date: LocalDate?
        if !text.isEmpty {
            guard let parsed = LocalDate(iso: text) else {
                throw DomainError.invalid("Ngày hiệu lực không hợp lệ.", english: "The effective date is not valid.", field: "effectiveFrom")
            }
            date = parsed
        }
        return .init(decision: form.decision, effectiveFrom: date)
    }

    func values(_ form: Form) -> [String: String] {
        var values: [String: String] = [:]
        let mirror = Mirror(reflecting: form)
        for child in mirror.children {
            guard let label = child.label else { continue }
            if let text = child.value as? String? { values[label] = text ?? "" }
            if let number = child.value as? Int? { values[label] = number.map(String.init) ?? "" }
        }
        return values
    }

    @Sendable func create(_ request: Request) async throws -> Response {
        try request.requirePrincipal().require(.editCatalogue)
        let form = (try? request.content.decode(Form.self)) ?? Form()
        do {
            let proposed = try await procedure(from: form, id: .random(), request: request)
            try await CatalogueService.requireEdit(proposed.unitID, access: stores.access(request))
            let created = try await stores.procedures.create(proposed, publication: try publication(form),
                                                                              actor: request.auditActor, now: request.now)
            return request.redirect(to: Paths.procedure.link(created.code), redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderEditor(request, procedure: nil, values: values(form), selected: form, errors: errors)
        }
    }

    @Sendable func update(_ request: Request) async throws -> Response {
        let current = try await load(request)
        try await CatalogueService.requireEdit(current.unitID, access: stores.access(request))
        let form = (try? request.content.decode(Form.self)) ?? Form()
        do {
            let proposed = try await procedure(from: form, id: current.id, request: request)
            if proposed.unitID != current.unitID { try await CatalogueService.requireEdit(proposed.unitID, access: stores.access(request)) }
            let updated = try await stores.procedures.update(
                current.id, expectedVersion: form.version, publication: try publication(form),
                actor: request.auditActor, now: request.now) { procedure in
                    let version = procedure.version
                    procedure = proposed
                    procedure.version = version
                }
            return request.redirect(to: Paths.procedure.link(updated.code), redirectType: .normal)
        } catch {
            guard let errors = request.formErrors(error) else { throw error }
            return try await renderEditor(request, procedure: current, values: values(form), selected: form, errors: errors)
        }
    }
}

extension Double {
    /// "5" rather than "5.0"; "1.5" stays.
    var clean: String { rounded() == self ? String(Int(self)) : String(self) }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
