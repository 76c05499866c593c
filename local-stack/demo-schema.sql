-- The demo schema of the local stack: a few related tables with varied column types.
CREATE TABLE IF NOT EXISTS customers (
    id int PRIMARY KEY,
    name text NOT NULL,
    email text,
    balance numeric(12, 2),
    tags text[],
    created timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS products (
    sku uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title text NOT NULL,
    price numeric(10, 2) NOT NULL,
    attributes jsonb,
    available_from date
);
CREATE TABLE IF NOT EXISTS orders (
    id bigserial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    placed_at timestamptz NOT NULL DEFAULT now(),
    total numeric(12, 2) NOT NULL,
    note text
);
CREATE TABLE IF NOT EXISTS order_lines (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line int NOT NULL,
    sku uuid NOT NULL REFERENCES products (sku),
    quantity int NOT NULL,
    PRIMARY KEY (order_id, line)
);
INSERT INTO customers (id, name, email, balance, tags) VALUES
    (1, 'Ada Lovelace', 'ada@example.org', 120.50, '{vip}'),
    (2, 'Grace Hopper', NULL, 99.99, '{}'),
    (3, 'Linus Torvalds', 'linus@example.org', 0, NULL)
ON CONFLICT DO NOTHING;
INSERT INTO products (sku, title, price, attributes, available_from) VALUES
    ('6f1c1b4e-0000-4000-8000-000000000001', 'Keyboard', 49.90, '{"layout": "US", "keys": 104}', '2024-01-01'),
    ('6f1c1b4e-0000-4000-8000-000000000002', 'Monitor', 199.00, '{"inches": 27}', NULL)
ON CONFLICT DO NOTHING;
INSERT INTO orders (id, customer_id, total, note) VALUES (1, 1, 248.90, 'first order') ON CONFLICT DO NOTHING;
INSERT INTO order_lines VALUES (1, 1, '6f1c1b4e-0000-4000-8000-000000000001', 1),
    (1, 2, '6f1c1b4e-0000-4000-8000-000000000002', 1) ON CONFLICT DO NOTHING;
SELECT setval('orders_id_seq', 100);
