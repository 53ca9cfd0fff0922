//! The default QGIS style of an exported layer: incidents coloured by ACLED event type with the
//! web map's colours, as a QML document. The GeoPackage carries it in its `layer_styles`
//! table, which QGIS reads when it opens the layer.

/// ACLED's event types and the web map's colours for them (red, green, blue).
pub const EVENT_TYPE_COLOURS: &[(&str, [u8; 3])] = &[
    ("Battles", [0xd6, 0x27, 0x28]),
    ("Explosions/Remote violence", [0xff, 0x7f, 0x0e]),
    ("Violence against civilians", [0x94, 0x67, 0xbd]),
    ("Protests", [0x2c, 0xa0, 0x2c]),
    ("Riots", [0x8c, 0x56, 0x4b]),
    ("Strategic developments", [0x1f, 0x77, 0xb4]),
];

/// Colour of any other value.
const OTHER: [u8; 3] = [0x7f, 0x7f, 0x7f];

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn marker(name: usize, [r, g, b]: [u8; 3]) -> String {
    format!(
        r#"<symbol type="marker" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" pass="0" locked="0"><Option type="Map"><Option type="QString" name="color" value="{r},{g},{b},230"/><Option type="QString" name="name" value="circle"/><Option type="QString" name="outline_color" value="255,255,255,255"/><Option type="QString" name="outline_width" value="0.3"/><Option type="QString" name="outline_width_unit" value="MM"/><Option type="QString" name="size" value="3"/><Option type="QString" name="size_unit" value="MM"/></Option></layer></symbol>"#
    )
}

/// A categorised renderer on `event_type`; other values are grey.
pub fn event_type_qml() -> String {
    let mut categories = String::new();
    let mut symbols = String::new();
    for (n, (name, colour)) in EVENT_TYPE_COLOURS.iter().enumerate() {
        let v = xml_escape(name);
        categories.push_str(&format!(
            r#"<category render="true" value="{v}" label="{v}" symbol="{n}"/>"#
        ));
        symbols.push_str(&marker(n, *colour));
    }
    let other = EVENT_TYPE_COLOURS.len();
    categories.push_str(&format!(
        r#"<category render="true" value="" label="other" symbol="{other}"/>"#
    ));
    symbols.push_str(&marker(other, OTHER));
    format!(
        r#"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'><qgis version="3.22.0" styleCategories="Symbology"><renderer-v2 type="categorizedSymbol" attr="event_type" symbollevels="0" enableorderby="0" forceraster="0"><categories>{categories}</categories><symbols>{symbols}</symbols></renderer-v2></qgis>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::taxonomy;

    #[test]
    fn every_event_type_has_a_colour() {
        let names: Vec<&str> = EVENT_TYPE_COLOURS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, taxonomy::event_type_names());
        let qml = event_type_qml();
        assert!(qml.contains(r#"attr="event_type""#));
        assert!(qml.contains(r#"value="Explosions/Remote violence""#));
        assert_eq!(qml.matches("<symbol ").count(), names.len() + 1);
    }
}
