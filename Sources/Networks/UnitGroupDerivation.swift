/// Which tensors share a unit axis, read off the operations of a `LayerGraph` rather than listed
/// by hand per network (`Network.unitGroups`).
///
/// Every activation has a *channel space*. An operation that acts on each channel alone (BN,
/// ReLU, dropout, pooling, a flatten of `C × 1 × 1`) keeps its input's space; a residual `add`
/// merges its inputs' spaces and its output's into one stream; a convolution or linear layer
/// starts a new space, which its weight and bias index on axis 0, while its weight's axis 1 indexes
/// its input's space. The network's input, its logits and anything a flatten mixes with the spatial
/// positions are fixed. Every other space with tensors on both sides is
/// a unit group: permuting its channels in all those tensors leaves the network's function unchanged.
enum UnitGroupDerivation {
    /// Groups whose space holds no residual add (a layer's own units), then the residual streams,
    /// each in the order of its first producing operation. A layer's group is named after that
    /// layer (`fc1`, `layers.3.conv`, `layer2.0.conv1`); streams are `stream.0`, `stream.1`, ….
    static func groups(of graph: LayerGraph) -> (layers: [HiddenLayer], streams: [UnitGroup]) {
        var parent = Array(graph.activations.indices)
        func find(_ a: Int) -> Int {
            var a = a
            while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }
            return a
        }
        func union(_ a: Int, _ b: Int) { parent[find(a)] = find(b) }
        let names = Dictionary(uniqueKeysWithValues: graph.layout.parameters.map { ($0.offset, $0.name) })
        let stateNames = Dictionary(uniqueKeysWithValues: graph.layout.state.map { ($0.offset, $0.name) })
        // (activation whose space it indexes, tensor, axis 0 or 1, operation index)
        var indexed: [(space: Int, tensor: String, axis: Int, node: Int)] = []
        var fixed: [Int] = [0, graph.outputID], adds: [Int] = []
        // Maps whose channel u is a function of unit u alone, by preference: rectified (after a ReLU,
        // or a BN with its ReLU), else normalised (a smooth twin's BN outputs), else a layer's output.
        var rectified: [Int] = [], normalized: [Int] = [], produced: [Int] = []
        for (k, node) in graph.nodes.enumerated() {
            let x = node.inputs[0], y = node.output
            switch node {
            case let conv as Conv2d:
                indexed.append((x, names[conv.weightOffset]!, 1, k))
                indexed.append((y, names[conv.weightOffset]!, 0, k))
                if let b = conv.biasOffset { indexed.append((y, names[b]!, 0, k)) }
                produced.append(y)
            case let linear as Linear:
                indexed.append((x, names[linear.weightOffset]!, 1, k))
                indexed.append((y, names[linear.weightOffset]!, 0, k))
                if let b = linear.biasOffset { indexed.append((y, names[b]!, 0, k)) }
                produced.append(y)
            case let bn as BatchNorm:
                union(x, y)
                for name in [names[bn.gammaOffset]!, names[bn.betaOffset]!, stateNames[bn.meanOffset]!, stateNames[bn.varianceOffset]!] {
                    indexed.append((y, name, 0, k))
                }
                if bn.relu { rectified.append(y) } else { normalized.append(y) }
            case is ReLU:
                union(x, y)
                rectified.append(y)
            case is Add:
                for input in node.inputs { union(input, y) }
                adds.append(y)
            case is MaxPool2d, is GlobalAveragePool, is Dropout:
                union(x, y)
            case is Flatten where graph.activations[x].spatial == 1:
                union(x, y)
            default:
                fixed += [x, y]
            }
        }
        let fixedRoots = Set(fixed.map(find)), streamRoots = Set(adds.map(find))
        var order: [Int] = [], members: [Int: (producers: [String], consumers: [String], first: Int, layer: String?)] = [:]
        for e in indexed {
            let root = find(e.space)
            guard !fixedRoots.contains(root) else { continue }
            if members[root] == nil {
                order.append(root)
                members[root] = ([], [], e.node, nil)
            }
            if e.axis == 0 {
                members[root]!.producers.append(e.tensor)
                if members[root]!.layer == nil, e.tensor.hasSuffix(".weight"), graph.nodes[e.node] is Conv2d || graph.nodes[e.node] is Linear {
                    members[root]!.layer = String(e.tensor.dropLast(".weight".count))
                }
            } else {
                members[root]!.consumers.append(e.tensor)
            }
        }
        order.sort { members[$0]!.first < members[$1]!.first }
        var layers: [HiddenLayer] = [], streams: [UnitGroup] = []
        for root in order {
            let m = members[root]!
            let reads = [rectified, normalized, produced].lazy.map { $0.filter { find($0) == root } }.first { !$0.isEmpty }?.map(Activation.init) ?? []
            guard !m.producers.isEmpty, !m.consumers.isEmpty, !reads.isEmpty else { continue }
            let channels = graph.activations[root].channels
            if streamRoots.contains(root) {
                streams.append(UnitGroup(name: "stream.\(streams.count)", channels: channels, producers: m.producers,
                                         consumers: m.consumers, activations: reads, shapes: reads.map { graph.info($0).shape }))
            } else {
                // A layer's space holds one rectified map (after its BN, or its own ReLU).
                layers.append(HiddenLayer(name: m.layer ?? "group.\(layers.count)", channels: channels, shape: graph.info(reads[0]).shape,
                                          producers: m.producers, consumers: m.consumers, activation: reads[0]))
            }
        }
        return (layers, streams)
    }
}
