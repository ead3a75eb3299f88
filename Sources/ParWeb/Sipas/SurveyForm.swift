import Foundation
import ParCore
import ParStore
import Vapor

/// The questionnaire as an HTML form (shared by the citizen's link, the counter kiosk and the
/// surveyors' data entry), and the answers read back from it. Field names carry no dots or
/// brackets, so the form decodes as plain key/value pairs:
/// `level-<aspect>`, `level-overall` (1–5), `p-<aspect>-<id>` (yes/no), `x-<aspect>-<id>` (ticked), `comment`.
struct SurveyForm: Encodable {
    struct Choice: Encodable {
        let name: String
        let value: String
        let label: String
        let checked: Bool
        let id: String
    }

    struct Perception: Encodable {
        let text: String
        let choices: [Choice]
    }

    struct Section: Encodable {
        let aspect: String
        let title: String
        let perceptions: [Perception]
        let question: String
        let levels: [Choice]
        let expectations: [Choice]
    }

    let version: String
    let sections: [Section]
    let overall: String
    let overallLevels: [Choice]
    let freeText: String
    let comment: String
    let maxExpectations: Int

    /// The form for `questionnaire`, with `form` (a refused submission) echoed back.
    init(_ questionnaire: Questionnaire, form: [String: String] = [:], en: Bool) {
        func levels(_ name: String) -> [Choice] {
            SatisfactionLevel.allCases.reversed().map { level in
                Choice(name: name, value: String(level.rawValue), label: level.name(en: en),
                       checked: form[name] == String(level.rawValue), id: "\(name)-\(level.rawValue)")
            }
        }
        version = questionnaire.version
        sections = questionnaire.sections.map { section in
            let aspect = section.aspect.rawValue
            return Section(
                aspect: aspect, title: section.aspect.name(en: en),
                perceptions: section.perceptions.map { item in
                    let name = "p-\(aspect)-\(item.id)"
                    return Perception(text: item.text.text(en: en), choices: [("yes", Messages.text("survey-form.yes", en: en)), ("no", Messages.text("survey-form.no", en: en))].map {
                        Choice(name: name, value: $0.0, label: $0.1, checked: form[name] == $0.0, id: "\(name)-\($0.0)")
                    })
                },
                question: section.satisfaction.text(en: en), levels: levels("level-\(aspect)"),
                expectations: section.expectations.map { item in
                    let name = "x-\(aspect)-\(item.id)"
                    return Choice(name: name, value: "1", label: item.text.text(en: en), checked: form[name] != nil, id: name)
                })
        }
        overall = questionnaire.overall.text(en: en)
        overallLevels = levels("level-overall")
        freeText = questionnaire.freeText.text(en: en)
        comment = form["comment"] ?? ""
        maxExpectations = questionnaire.maxExpectations
    }

    /// The answers in a submitted form; the repository checks them against the questionnaire.
    static func answers(_ form: [String: String], questionnaire: Questionnaire) throws -> SurveyAnswers {
        func level(_ name: String) throws -> SatisfactionLevel? {
            guard let raw = form[name], !raw.isEmpty else { return nil }
            guard let value = Int(raw).flatMap(SatisfactionLevel.init(rawValue:)) else {
                throw DomainError.invalid("Mức độ hài lòng từ 1 đến 5.", english: "A satisfaction level is 1 to 5.", field: name)
            }
            return value
        }
        var aspects: [SurveyAnswers.AspectAnswer] = []
        for section in questionnaire.sections {
            let aspect = section.aspect.rawValue
            var perceptions: [String: Bool] = [:]
            for item in section.perceptions {
                switch form["p-\(aspect)-\(item.id)"] {
                case "yes": perceptions[item.id] = true
                case "no": perceptions[item.id] = false
                default: break
                }
            }
            let expectations = section.expectations.map(\.id).filter { form["x-\(aspect)-\($0)"] != nil }
            let answer = SurveyAnswers.AspectAnswer(aspect: section.aspect, perceptions: perceptions, level: try level("level-\(aspect)"),
                                                    expectations: expectations)
            if answer.level != nil || !perceptions.isEmpty || !expectations.isEmpty { aspects.append(answer) }
        }
        return SurveyAnswers(aspects: aspects, overall: try level("level-overall"), comment: form["comment"])
    }
}

enum SurveyLinks {
    /// The survey address printed on the receipt and sent with the return notice.
    static func url(for dossier: Dossier, request: Request) -> String {
        url(for: dossier, config: request.application.parConfig)
    }

    static func url(for dossier: Dossier, config: AppConfig) -> String {
        config.publicURL + Paths.survey.link(dossier.code) + "?t=" + SatisfactionRepository.surveyToken(dossier.id, key: config.secret)
    }
}
