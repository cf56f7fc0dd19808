import Foundation
import Plotting

let examples = [linesExample(), scatterExample(), bandsExample(), barsExample(), logAndTextExample(), panelsExample(), planeExample()]
for e in examples { try e.figure.save(to: "figures/gallery", name: e.name) }
