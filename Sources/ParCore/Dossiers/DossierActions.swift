import Foundation

extension DossierEvent {
    /// An event without its details: what an officer chooses to do, as the API names it
    /// (`DossierAction.action`) and the timeline stores it.
    public enum Kind: String, CaseIterable, Sendable {
        case accept
        case forward
        case sendBack = "send_back"
        case requestSupplement = "request_supplement"
        case completeSupplement = "complete_supplement"
        case apologise
        case markProcessed = "mark_processed"
        case returnResult = "return_result"
        case refuse
        case withdraw
        case stop

        /// Who acts: the one-stop counter of the receiving unit takes the dossier in and hands it back
        /// (accept, refuse, complete a supplement, return the result, withdraw); the units processing it
        /// do the rest (Decree 61/2018 art. 18–20: receipt and return at the one-stop section, processing
        /// at the competent unit).
        public var desk: DossierDesk {
            switch self {
            case .accept, .refuse, .completeSupplement, .returnResult, .withdraw: .counter
            case .forward, .sendBack, .requestSupplement, .apologise, .markProcessed, .stop: .processing
            }
        }

        /// The states a dossier must be in for the event to apply.
        public var fromStates: Set<DossierState> {
            switch self {
            case .accept: [.submitted]
            case .forward, .apologise, .markProcessed: [.received, .inProcess]
            // Back to the unit that handed it over: only once it has left the receiving unit.
            case .sendBack: [.inProcess]
            case .requestSupplement: [.submitted, .received, .inProcess]
            case .completeSupplement: [.supplementRequested]
            case .returnResult: [.processed]
            case .refuse: [.submitted, .received]
            case .withdraw, .stop: Set(DossierState.allCases.filter { !$0.isClosed })
            }
        }

        /// Ends the dossier for good (refused, withdrawn, stopped): rare, and a page asks the officer to
        /// confirm it apart from the everyday actions.
        public var endsTheDossier: Bool {
            switch self {
            case .refuse, .withdraw, .stop: true
            default: false
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .accept: .accept
        case .forward: .forward
        case .sendBack: .sendBack
        case .requestSupplement: .requestSupplement
        case .completeSupplement: .completeSupplement
        case .apologise: .apologise
        case .markProcessed: .markProcessed
        case .returnResult: .returnResult
        case .refuse: .refuse
        case .withdraw: .withdraw
        case .stop: .stop
        }
    }

    /// The unit a hand-over moves the dossier to, and whether it moved electronically; nil when the
    /// event moves it nowhere.
    public var handOver: (unit: OrgUnit.ID, electronic: Bool)? {
        switch self {
        case .forward(let unit, let electronic, _): (unit, electronic)
        case .sendBack(let unit, _): (unit, true)
        default: nil
        }
    }

    /// Whether the event closes the current processing step: a hand-over (which opens the next) or the
    /// end of processing (processed, refused, withdrawn, stopped).
    public var closesStep: Bool {
        switch kind {
        case .forward, .sendBack, .markProcessed, .refuse, .withdraw, .stop: true
        default: false
        }
    }
}

/// The two desks of the one-stop model: the counter of the receiving unit, and processing.
public enum DossierDesk: Sendable {
    case counter
    case processing
}

/// Where a principal stands towards one dossier: at its receiving unit's counter (receiveDossiers
/// there) and/or among its processors (processDossiers on the holding unit — or the counter's officers,
/// while the dossier is still at the receiving unit).
public struct DossierStanding: Sendable, Equatable {
    public var atCounter: Bool
    public var processing: Bool

    public init(atCounter: Bool, processing: Bool) {
        self.atCounter = atCounter
        self.processing = processing
    }

    /// From the principal's grants and the ancestry of the dossier's receiving and holding units
    /// (nil when a unit is unknown).
    public init(_ principal: Principal, on dossier: Dossier, receivingAncestry: [OrgUnit.ID]?, holderAncestry: [OrgUnit.ID]?) {
        atCounter = receivingAncestry.map { principal.may(.receiveDossiers, onUnitWithAncestry: $0) } ?? false
        processing = (holderAncestry.map { principal.may(.processDossiers, onUnitWithAncestry: $0) } ?? false)
            || (dossier.holderUnitID == dossier.receivingUnitID && atCounter)
    }

    /// Whether the principal sits at the desk that takes this kind of event.
    public func sits(at desk: DossierDesk) -> Bool {
        switch desk {
        case .counter: atCounter
        case .processing: processing
        }
    }

    /// Files may be attached by the counter or by a processor.
    public var mayAttachFiles: Bool { atCounter || processing }
}

extension Dossier {
    /// What the principal standing so may do to the dossier now: their desk takes the event, the
    /// dossier is in a state the event applies to, and an apology is still before the appointment.
    /// The API's permission check and the page's buttons both read this.
    public func availableActions(for standing: DossierStanding, at now: Date) -> Set<DossierEvent.Kind> {
        Set(DossierEvent.Kind.allCases.filter { kind in
            standing.sits(at: kind.desk) && kind.fromStates.contains(state) && (kind != .apologise || now <= dueAt)
        })
    }

    /// Whether files may still be attached by the principal standing so (until the dossier is closed).
    public func mayAttachFiles(for standing: DossierStanding) -> Bool { standing.mayAttachFiles && !state.isClosed }
}
