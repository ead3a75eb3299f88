import Foundation
import ParCore
import ParTestSupport
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Staff home page")
struct HomePageTests {
    /// The links of the home page's task lists (`<ul class="grant-tasks">`), in order, as a browser follows them.
    static func taskLinks(_ html: String) -> [String] {
        html.components(separatedBy: #"<ul class="grant-tasks">"#).dropFirst().flatMap { list in
            list.components(separatedBy: "</ul>")[0].components(separatedBy: #"href=""#).dropFirst()
                .map { String($0.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&") }
        }
    }

    @Test("each role's tasks on the home page link to pages that open for that role")
    func taskLinksOpen() async throws {
        try await withTestApp { app, fixture in
            for role in Role.allCases {
                let cookie = try await signIn(app, username: fixture.users[role]!.username)
                let links = Self.taskLinks(try await app.page(.GET, "/", cookie: cookie).body.string)
                #expect(!links.isEmpty || role == .citizen, "\(role): no task links")
                for link in Set(links) {
                    let status = try await app.page(.GET, link, cookie: cookie).status
                    #expect(status == .ok || status == .seeOther, "\(role): \(link) answered \(status.code)")
                }
            }
            let counter = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            let links = Self.taskLinks(try await app.page(.GET, "/", cookie: counter).body.string)
            #expect(links.contains(Paths.dossierNew.rawValue) && links.contains(Paths.centres.rawValue))
        }
    }
}
