import Foundation
import ParCore
import ParStore
import Vapor

/// `parhub users create-admin`: the first administrator of a production database, whose units
/// were imported with `parhub import units`. Later users are created by an administrator.
public enum FirstAdministrator {
    /// Creates `username` with the administrator role on the unit `unitKey` (default: the only
    /// top-level unit). Refused when an administrator exists already.
    public static func create(_ app: Application, username: String, displayName: String, password: String,
                              unitKey: String?, email: String? = nil, now: Date) async throws -> (UserAccount, UnitRecord) {
        let users = UserRepository(db: app.db)
        guard try await users.grantCount(.administrator) == 0 else {
            throw DomainError(.conflict, "Đã có quản trị hệ thống; hãy tạo người dùng trên trang Người dùng.",
                              english: "An administrator exists already; create further users on the Users page.")
        }
        let units = UnitRepository(db: app.db)
        let unit: UnitRecord
        if let unitKey {
            guard let found = try await units.find(key: unitKey) else {
                throw DomainError.invalid("Không có đơn vị mã \(unitKey).", english: "There is no unit with the key \(unitKey).", field: "unit")
            }
            unit = found
        } else {
            let roots = try await units.all().filter { $0.parentID == nil }
            guard roots.count == 1, let root = try await units.find(roots[0].id) else {
                throw DomainError.invalid(roots.isEmpty ? "Chưa có đơn vị nào: hãy nhập danh mục đơn vị trước (parhub import units TỆP)."
                                                        : "Có nhiều đơn vị cấp cao nhất: hãy chọn một bằng --unit MÃ.",
                                          english: roots.isEmpty ? "There are no units yet: import them first (parhub import units FILE)."
                                                                 : "There are several top-level units: choose one with --unit KEY.",
                                          field: "unit")
            }
            unit = root
        }
        try UserAccount.checkPassword(password)
        let hash = try await Credentials.hash(password, on: app)
        let actor = AuditActor.system("users create-admin")
        let user = try await users.create(username: username, displayName: displayName, passwordHash: hash, email: email, actor: actor, now: now)
        _ = try await users.grant(.administrator, on: unit.unit.id, to: user.id, actor: actor, now: now)
        return (try await users.find(user.id) ?? user, unit)
    }
}
