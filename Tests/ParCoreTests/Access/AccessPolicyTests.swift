import Foundation
import Testing
@testable import ParCore

@Suite("Roles and unit scope")
struct AccessPolicyTests {
    @Test("what each role may do", arguments: Role.allCases)
    func permissions(role: Role) {
        let expected: Set<Permission> = switch role {
        case .administrator: Set(Permission.allCases)
        case .parOfficer: [.viewRegistry, .editRegistry, .viewQuotas, .editQuotas, .viewRestructuring, .viewAudit, .editCatalogue,
                           .viewIndex, .editIndex, .viewDossiers, .viewSatisfaction, .runSurveys, .viewPlans, .editPlans,
                           .viewInspections, .manageInspections, .handleFeedback, .appraiseParIndex, .viewPersonnel]
        case .unitLeader: [.viewRegistry, .viewQuotas, .viewRestructuring, .viewAudit, .viewDossiers, .processDossiers, .viewIndex,
                           .viewSatisfaction, .viewPlans, .editPlans, .viewInspections, .handleFeedback, .selfAssess, .operateDesk, .manageCentre,
                           .viewPersonnel, .approveRatings]
        case .personnelOfficer: [.viewRegistry, .viewQuotas, .viewPersonnel, .editPersonnel]
        case .cityLeader: [.viewRegistry, .viewQuotas, .viewRestructuring, .viewAudit, .viewDossiers, .viewIndex, .viewSatisfaction,
                           .viewPlans, .viewInspections]
        case .counterOfficer: [.viewRegistry, .viewDossiers, .receiveDossiers, .operateDesk]
        case .processingOfficer: [.viewRegistry, .viewDossiers, .processDossiers]
        case .inspector: [.viewRegistry, .viewIndex, .viewSatisfaction, .viewPlans, .viewInspections, .manageInspections]
        case .citizen: []
        }
        #expect(role.permissions == expected)
    }

    @Test("a grant covers its unit and everything below, never siblings or parents")
    func scope() {
        let province = OrgUnit.ID.random(), justice = OrgUnit.ID.random(), health = OrgUnit.ID.random()
        let division = OrgUnit.ID.random()
        let leader = Principal(userID: .random(), username: "lanhdao", displayName: "L",
                               grants: [RoleGrant(id: .random(), role: .unitLeader, unitID: justice)])
        #expect(leader.may(.viewQuotas, onUnitWithAncestry: [justice, province]))
        #expect(leader.may(.viewQuotas, onUnitWithAncestry: [division, justice, province]))
        #expect(!leader.may(.viewQuotas, onUnitWithAncestry: [health, province]))
        #expect(!leader.may(.viewQuotas, onUnitWithAncestry: [province]))
        #expect(!leader.may(.editQuotas, onUnitWithAncestry: [justice, province]))
        #expect(!leader.mayAnywhere(.manageUsers))
    }

    @Test("usernames and passwords follow the account rules", arguments: [
        ("admin", true), ("Cchc.NoiVu", true), ("ab", false), ("nguyễn", false), ("a b c", false),
    ])
    func usernames(raw: String, valid: Bool) {
        #expect((try? UserAccount.validUsername(raw)) != nil ? valid : !valid)
    }

    @Test("display names hold 1 to 200 characters and token names 1 to 100, cleaned", arguments: [
        (" Nguyễn  Thị  Lan ", "Nguyễn Thị Lan", "Nguyễn Thị Lan"), ("  ", nil, nil),
        (String(repeating: "ư", count: 100), String(repeating: "ư", count: 100), String(repeating: "ư", count: 100)),
        (String(repeating: "ư", count: 101), String(repeating: "ư", count: 101), nil), (String(repeating: "a", count: 201), nil, nil),
    ] as [(String, String?, String?)])
    func names(_ raw: String, display: String?, token: String?) {
        #expect((try? UserAccount.validDisplayName(raw)) == display)
        #expect((try? UserAccount.validTokenName(raw)) == token)
    }

    @Test("passwords need 10 to 72 bytes", arguments: [("short", false), ("parhub-demo", true), (String(repeating: "ư", count: 40), false)])
    func passwords(password: String, valid: Bool) {
        #expect((try? UserAccount.checkPassword(password)) != nil ? valid : !valid)
    }
}

@Suite("Audit entry")
struct AuditEntryTests {
    @Test("fields are length-prefixed so shifting text between fields changes the canonical text")
    func canonicalText() {
        let base = AuditEntry(sequence: 1, atMilliseconds: 1_700_000_000_000, actorID: nil, actorName: "ab", action: "c",
                              entityType: "unit", entityID: "x", summary: "{}", requestID: nil,
                              previousHash: AuditEntry.genesisHash, hash: "")
        var shifted = base
        shifted.actorName = "a"
        shifted.action = "bc"
        #expect(base.canonicalText != shifted.canonicalText)
    }
}
