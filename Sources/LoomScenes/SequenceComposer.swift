import LoomCore

/// Composes the frames of one scene over time.
///
/// Signs and background stay put. Each object keeps its id, attributes, size and rotation in every frame it is
/// in. One or two objects (the movers) travel with a constant per-frame step along one axis; the rest stand
/// still. Some sequences have an object that appears after the first frame, some one that leaves before the
/// last. Trajectories are sampled until every object stays inside the image, clear of the signs and visible
/// enough in every frame; objects that both stand still never touch.
enum SequenceComposer {
    /// The share of sequences in which one object appears after the first frame.
    static let appearShare = 0.4
    /// The share of sequences in which one object disappears before the last frame.
    static let disappearShare = 0.4
    /// The share of sequences (with at least three objects) that have a second mover.
    static let secondMoverShare = 0.35
    /// Travel over the whole sequence as a fraction of the image side along the axis of motion.
    static let travel: ClosedRange<Double> = 0.22...0.6
    /// Attempts per object before the whole sequence is started over.
    static let placementTries = 200

    /// One object over all frames.
    struct Track {
        /// Attributes, radius, rotation, id and z; its centre is meaningless (see `centers`).
        let object: SceneObject
        /// The centre in each frame; nil where the object is absent.
        let centers: [ScenePoint?]
        let moves: Bool
        /// The object as drawn in each frame, made once: every later candidate is checked against every frame
        /// of the tracks already placed, and working out an outline's box each time was most of that check.
        private let instances: [SceneObject?]

        init(object: SceneObject, centers: [ScenePoint?], moves: Bool) {
            self.object = object
            self.centers = centers
            self.moves = moves
            instances = centers.map { center in center.map { SceneLayout.moved(object, to: $0) } }
        }

        /// The object as drawn in `frame`, or nil when it is absent there.
        func instance(in frame: Int) -> SceneObject? { instances[frame] }
    }

    /// The role an object plays in the sequence.
    enum Role: Equatable {
        case mover
        case still(first: Int, last: Int)
    }

    /// `frames` frames (at least 2). When the canvas is too crowded for the drawn plan, it settles for fewer
    /// objects, then for no comings and goings, then for no signs.
    static func sequence(_ settings: SceneSettings, frames: Int, using rng: inout SeededGenerator) -> [SceneTruth] {
        let settings = settings.sanitized
        let frameCount = max(2, frames)
        let appears = rng.chance(appearShare)
        let disappears = rng.chance(disappearShare)
        let labelCount = LabelPlacer.randomCount(settings, using: &rng)
        let extra = (appears ? 1 : 0) + (disappears ? 1 : 0)
        var objectCount = rng.int(
            in: min(settings.maxObjects, settings.minObjects + extra)...settings.maxObjects)
        var plan = Plan(objectCount: objectCount, labelCount: labelCount, appears: appears, disappears: disappears)
        while true {
            for _ in 0..<40 {
                if let scenes = compose(settings, frameCount: frameCount, plan: plan, using: &rng) { return scenes }
            }
            if objectCount > 1 {
                objectCount -= 1
                plan.objectCount = objectCount
            } else if plan.appears || plan.disappears {
                (plan.appears, plan.disappears) = (false, false)
            } else if plan.labelCount > 0 {
                plan.labelCount = 0
            } else {
                let scene = SingleComposer.scene(settings, using: &rng)
                return Array(repeating: scene, count: frameCount)
            }
        }
    }

    /// What a sequence holds: objects in total (over all frames), signs, and whether one object comes late
    /// and one leaves early.
    struct Plan {
        var objectCount: Int
        var labelCount: Int
        var appears: Bool
        var disappears: Bool
    }

    /// One attempt at the whole sequence; nil when some object found no trajectory.
    static func compose(_ settings: SceneSettings, frameCount: Int, plan: Plan, using rng: inout SeededGenerator)
        -> [SceneTruth]?
    {
        let background = BackgroundCatalog.random(using: &rng)
        let labels = LabelPlacer.place(
            count: plan.labelCount, width: settings.width, height: settings.height, using: &rng)
        let roles = assignRoles(plan, frameCount: frameCount, using: &rng)
        // Movers are placed first (they need a free lane), then the still objects; z is the drawing order.
        let zOrder = Array(0..<roles.count).shuffled(using: &rng)
        let placementOrder = roles.indices.filter { roles[$0] == .mover } + roles.indices.filter { roles[$0] != .mover }

        var tracks: [Track] = []
        for index in placementOrder {
            guard
                let attributes = ObjectAttributes.random(
                    avoiding: tracks.map { ObjectAttributes($0.object) }, using: &rng)
            else { return nil }
            let z = zOrder[index]
            var placed: Track? = nil
            for _ in 0..<placementTries {
                guard
                    let candidate = trajectory(
                        attributes, id: z, z: z, role: roles[index], frameCount: frameCount, settings: settings,
                        using: &rng)
                else { continue }
                if accepts(candidate, among: tracks, labels: labels, settings: settings) {
                    placed = candidate
                    break
                }
            }
            guard let placed else { return nil }
            tracks.append(placed)
        }

        var scenes: [SceneTruth] = []
        for frame in 0..<frameCount {
            let objects = VisibilityEstimator.annotated(tracks.compactMap { $0.instance(in: frame) })
            guard SceneLayout.meetsVisibility(objects, minVisible: settings.minVisibleFraction) else { return nil }
            scenes.append(
                SceneTruth(
                    width: settings.width, height: settings.height, background: background.style,
                    backgroundName: background.name, objects: objects, labels: labels))
        }
        return scenes
    }

    /// Roles for `plan.objectCount` objects: one or two movers, at most one latecomer and one leaver (still
    /// objects, each present for at least two frames when the sequence is long enough), the rest still throughout.
    static func assignRoles(_ plan: Plan, frameCount: Int, using rng: inout SeededGenerator) -> [Role] {
        let count = plan.objectCount
        let last = frameCount - 1
        var roles = [Role](repeating: .still(first: 0, last: last), count: count)
        var free = Array(0..<count).shuffled(using: &rng)
        let moverCount = count >= 3 && rng.chance(secondMoverShare) ? 2 : 1
        for _ in 0..<min(moverCount, count) { roles[free.removeFirst()] = .mover }
        if plan.appears, !free.isEmpty {
            let first = frameCount >= 3 ? rng.int(in: 1...(last - 1)) : last
            roles[free.removeFirst()] = .still(first: first, last: last)
        }
        if plan.disappears, !free.isEmpty {
            let leave = frameCount >= 3 ? rng.int(in: 1...(last - 1)) : 0
            roles[free.removeFirst()] = .still(first: 0, last: leave)
        }
        return roles
    }

    /// A random trajectory for an object of the given role that keeps it inside the image in every frame;
    /// nil when the drawn size leaves no room for it.
    static func trajectory(
        _ attributes: ObjectAttributes, id: Int, z: Int, role: Role, frameCount: Int, settings: SceneSettings,
        using rng: inout SeededGenerator
    ) -> Track? {
        let side = Double(min(settings.width, settings.height))
        let radius = attributes.randomRadius(side: side, using: &rng)
        let rotation = attributes.randomRotation(using: &rng)
        guard
            let range = SceneLayout.centerRange(
                shape: attributes.shape, radius: radius, rotation: rotation, width: settings.width,
                height: settings.height)
        else { return nil }
        let template = SceneLayout.makeObject(
            id: id, attributes: attributes, center: ScenePoint(x: 0, y: 0), radius: radius, rotation: rotation, z: z)

        switch role {
        case .still(let first, let last):
            let center = ScenePoint(
                x: SceneLayout.rounded(rng.double(in: range.x)), y: SceneLayout.rounded(rng.double(in: range.y)))
            let centers = (0..<frameCount).map { $0 >= first && $0 <= last ? center : nil }
            return Track(object: template, centers: centers, moves: false)
        case .mover:
            let direction = rng.pick(MotionDirection.allCases) ?? .right
            let horizontal = direction == .left || direction == .right
            let axisSide = Double(horizontal ? settings.width : settings.height)
            let axisRange = horizontal ? range.x : range.y
            let room = axisRange.upperBound - axisRange.lowerBound
            let shortest = travel.lowerBound * axisSide
            let longest = min(travel.upperBound * axisSide, room)
            guard longest >= shortest else { return nil }
            let steps = Double(frameCount - 1)
            let step = SceneLayout.rounded(rng.double(in: shortest...longest) / steps)
            let distance = step * steps
            guard distance >= 0.2 * axisSide, distance <= room else { return nil }
            let forward = direction == .right || direction == .down
            let startRange =
                forward
                ? axisRange.lowerBound...(axisRange.upperBound - distance)
                : (axisRange.lowerBound + distance)...axisRange.upperBound
            let start = SceneLayout.rounded(rng.double(in: startRange))
            let across = SceneLayout.rounded(rng.double(in: horizontal ? range.y : range.x))
            let centers: [ScenePoint?] = (0..<frameCount).map { frame in
                let along = SceneLayout.rounded(start + (forward ? 1 : -1) * Double(frame) * step)
                return horizontal ? ScenePoint(x: along, y: across) : ScenePoint(x: across, y: along)
            }
            return Track(object: template, centers: centers, moves: true)
        }
    }

    /// True when adding `candidate` keeps the layout rules in every frame: inside the image, clear of the signs,
    /// still objects apart from each other, and every object that the candidate touches still visible enough.
    static func accepts(
        _ candidate: Track, among tracks: [Track], labels: [TextLabel], settings: SceneSettings
    ) -> Bool {
        for frame in candidate.centers.indices {
            guard let object = candidate.instance(in: frame) else { continue }
            guard SceneLayout.isInside(object.box, width: settings.width, height: settings.height),
                SceneLayout.isClear(object.box, of: labels)
            else { return false }
            let present = tracks.compactMap { track in track.instance(in: frame).map { (track, $0) } }
            let touching = present.filter { !SceneLayout.isSeparate(object.box, from: $0.1) }
            guard !touching.contains(where: { !$0.0.moves && !candidate.moves }) else { return false }
            guard !touching.isEmpty else { continue }
            // Visibility changes only for the candidate and the objects it touches.
            let everyone = present.map(\.1) + [object]
            for affected in touching.map(\.1) + [object] {
                let above = everyone.filter { $0.z > affected.z }
                if VisibilityEstimator.visibleFraction(of: affected, under: above) < settings.minVisibleFraction {
                    return false
                }
            }
        }
        return true
    }
}
