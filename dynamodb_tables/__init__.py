"""DynamoDB tables in the Django admin: a reusable Django app.

Add "dynamodb_tables" to INSTALLED_APPS, use `DynamoAdminSite` as the admin
site, and declare a table:

    ORDERS = Table("Orders", KeyAttribute("customer"), KeyAttribute("order", "N"))

    @admin.register(Order)                  # an unmanaged DynamoItem model
    class OrderAdmin(DynamoModelAdmin):
        table = ORDERS
        list_display = ("customer", "order", "total")

Packages: `backend` (the only importer of boto3: client, errors, metering),
`values` (DynamoDB's rules and text forms), `store` (tables, the item
manager, paging, import and export), `admin` (the pages), and the table
commands in `management`. Settings: `DYNAMODB` (region, endpoint, retries,
timeouts), read at each use.
"""
