/* "Add another attribute" without reloading the page, as the admin's inlines.js adds
   inline rows: copy the blank row the page carries (a <template> of the formset's empty
   form), give its controls the next row number, and count it in TOTAL_FORMS.
   Without this script the button submits the form, and the server shows it again
   with one more row, as typed. */
"use strict";
{
    const PLACEHOLDER = /__prefix__/g;

    function numbered(template, index) {
        const row = template.content.firstElementChild.cloneNode(true);
        for (const element of row.querySelectorAll("[id], [name], [for]")) {
            for (const attribute of ["id", "name", "for"]) {
                const value = element.getAttribute(attribute);
                if (value) {
                    element.setAttribute(attribute, value.replace(PLACEHOLDER, index));
                }
            }
        }
        return row;
    }

    function addRow(event) {
        const button = event.currentTarget;
        const group = button.closest(".dynamo-attributes");
        const template = group && group.querySelector("template.dynamo-empty-row");
        const total = group && group.querySelector("input[name$='-TOTAL_FORMS']");
        if (!template || !total) {
            return;  // Let the button submit: the server adds the row.
        }
        event.preventDefault();
        const index = Number(total.value);
        const row = numbered(template, index);
        template.before(row);
        total.value = index + 1;
        row.querySelector("input, select, textarea").focus();
        const most = Number(button.closest(".dynamo-add-row").dataset.maxRows);
        if (index + 1 >= most) {
            button.disabled = true;  // One save takes no more rows: save, then add more.
        }
    }

    for (const button of document.querySelectorAll(".dynamo-add-row-button")) {
        button.addEventListener("click", addRow);
    }
}
