"""The trial report: a results bundle rendered as one self-contained HTML file with SVG figures."""
