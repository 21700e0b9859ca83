#pragma once
// The unit mapping of the model on screen (kelvin in the DWP table, the detail and teaching
// panels): NiP for the KA models, argon for the soft spheres. The main window sets it whenever
// the shown model changes; everything is on the GUI thread.
#include "core/model/Model.h"

namespace tlscope::ui {

inline UnitMapping& displayUnits() {
    static UnitMapping units;
    return units;
}
inline double kelvin(double energy) { return displayUnits().toKelvin(energy); }

} // namespace tlscope::ui
