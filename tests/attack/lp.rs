//! The linear program: variables for the partnerships' monthly counts,
//! one (in)equality per published figure, and for each primary cell the
//! largest value it can take.

use std::collections::BTreeMap;

use microlp::{ComparisonOp, Error, OptimizationDirection, Problem};

use super::model::{COUNT_INDICATORS, Export, Knowledge, MonthIx, Win};
use super::truth::{is_stock, parts};

/// A linear expression: variable index → coefficient (each variable once,
/// as the solver requires).
pub type Expr = BTreeMap<usize, f64>;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Op {
    Eq,
    Le,
    Ge,
}

impl Op {
    fn solver(self) -> ComparisonOp {
        match self {
            Op::Eq => ComparisonOp::Eq,
            Op::Le => ComparisonOp::Le,
            Op::Ge => ComparisonOp::Ge,
        }
    }

    /// Whether `0 op rhs` holds (a constraint left without variables).
    fn holds_at_zero(self, rhs: f64) -> bool {
        match self {
            Op::Eq => rhs.abs() < 1e-6,
            Op::Le => rhs >= -1e-6,
            Op::Ge => rhs <= 1e-6,
        }
    }
}

#[derive(Debug)]
struct Constraint {
    expr: Expr,
    op: Op,
    rhs: f64,
}

/// The outcome of maximising one cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// The largest value consistent with everything published.
    Max(f64),
    /// Nothing published limits the cell.
    Unbounded,
    /// The published figures contradict each other under the contract's
    /// definitions: a recomputation bug, not a leak.
    Infeasible,
    /// The solver gave up.
    Failed,
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::Max(v) => write!(f, "{v:.3}"),
            Bound::Unbounded => write!(f, "unbounded"),
            Bound::Infeasible => write!(f, "infeasible"),
            Bound::Failed => write!(f, "solver failed"),
        }
    }
}

/// The attacker's model of one pair of exports.
///
/// Variables are per partnership, measure and accepted month. Two accepted
/// months of a partnership that lie in exactly the same windows (of all the
/// windows any published figure or primary cell refers to) are
/// indistinguishable to every constraint, so their flows share one variable
/// (their sum): an exact reduction of the LP, not a loss of knowledge.
/// Stocks need a variable only for a month that is some window's latest
/// accepted month (the value of any other month enters no figure); each
/// such month has `bedrijven_mkb ≤ bedrijven`.
#[derive(Debug)]
pub struct Model<'k> {
    k: &'k Knowledge,
    windows: Vec<Win>,
    /// (partnership, window mask) → index of its first flow variable (four
    /// consecutive: bol, bbl, werkenden, werkzoekenden).
    flows: BTreeMap<(usize, u64), usize>,
    /// (partnership, month) → index of its `bedrijven` variable
    /// (`bedrijven_mkb` is the next).
    stocks: BTreeMap<(usize, MonthIx), usize>,
    vars: usize,
    constraints: Vec<Constraint>,
    /// Variables the published equalities fix (presolve).
    fixed: BTreeMap<usize, f64>,
    /// The published figures contradict each other.
    contradiction: bool,
}

impl<'k> Model<'k> {
    /// The model of everything `exports` publish, for an attacker with
    /// knowledge `k`.
    pub fn new(k: &'k Knowledge, exports: &[&Export]) -> Model<'k> {
        let mut windows = Vec::new();
        for e in exports {
            for venster in ["maand", "jtd", "cumulatief"] {
                if let Some(w) = Win::of(venster, e.period) {
                    windows.push(w);
                    windows.push(w.year_earlier());
                }
            }
        }
        windows.sort();
        windows.dedup();
        assert!(windows.len() <= 64, "too many windows for a mask");
        let mut m = Model {
            k,
            windows,
            flows: BTreeMap::new(),
            stocks: BTreeMap::new(),
            vars: 0,
            constraints: Vec::new(),
            fixed: BTreeMap::new(),
            contradiction: false,
        };
        for (p, months) in k.months.iter().enumerate() {
            for &month in months {
                let mask = m.mask(month);
                if mask != 0 && !m.flows.contains_key(&(p, mask)) {
                    m.flows.insert((p, mask), m.vars);
                    m.vars += 4;
                }
            }
            for w in m.windows.clone() {
                if let Some(month) = k.latest(p, w)
                    && !m.stocks.contains_key(&(p, month))
                {
                    m.stocks.insert((p, month), m.vars);
                    m.vars += 2;
                }
            }
        }
        let pairs: Vec<usize> = m.stocks.values().copied().collect();
        for bed in pairs {
            m.push(Expr::from([(bed + 1, 1.0), (bed, -1.0)]), Op::Le, 0.0);
        }
        for e in exports {
            m.publish(e);
        }
        m.presolve();
        m
    }

    /// An exact presolve, done once: an equality with one variable fixes
    /// it; fixed variables are substituted into every constraint, until no
    /// such equality is left; constraints left without variables are checked
    /// (a failed check is a contradiction) and dropped, and duplicates are
    /// dropped. Without it the LPs of the sample take seconds each.
    fn presolve(&mut self) {
        loop {
            let mut newly = BTreeMap::new();
            for c in &self.constraints {
                if c.op == Op::Eq && c.expr.len() == 1 {
                    for (&v, &a) in &c.expr {
                        newly.entry(v).or_insert(c.rhs / a);
                    }
                }
            }
            if newly.is_empty() {
                break;
            }
            for (&v, &x) in &newly {
                self.contradiction |= x < -1e-6;
                self.fixed.insert(v, x);
            }
            let mut kept = Vec::new();
            for mut c in self.constraints.drain(..) {
                for (v, x) in &newly {
                    if let Some(a) = c.expr.remove(v) {
                        c.rhs -= a * x;
                    }
                }
                if c.expr.is_empty() {
                    self.contradiction |= !c.op.holds_at_zero(c.rhs);
                } else {
                    kept.push(c);
                }
            }
            self.constraints = kept;
        }
        let mut seen = std::collections::BTreeSet::new();
        self.constraints.retain(|c| {
            let key: (Vec<(usize, u64)>, Op, u64) = (
                c.expr.iter().map(|(&v, &a)| (v, a.to_bits())).collect(),
                c.op,
                c.rhs.to_bits(),
            );
            seen.insert(key)
        });
    }

    /// "N variables, M constraints", for progress lines.
    pub fn size(&self) -> String {
        format!(
            "{} variables, {} constraints",
            self.vars,
            self.constraints.len()
        )
    }

    fn mask(&self, month: MonthIx) -> u64 {
        self.windows
            .iter()
            .enumerate()
            .filter(|(_, w)| w.contains(month))
            .fold(0, |acc, (i, _)| acc | (1 << i))
    }

    fn push(&mut self, mut expr: Expr, op: Op, rhs: f64) {
        expr.retain(|_, a| *a != 0.0);
        self.constraints.push(Constraint { expr, op, rhs });
    }

    /// The count indicator `indicator` over partnerships `set` in window `w`.
    pub fn expr(&self, set: &[usize], w: Win, indicator: &str) -> Expr {
        let bit = self
            .windows
            .iter()
            .position(|x| *x == w)
            .map_or(0, |i| 1u64 << i);
        let mut expr = Expr::new();
        for &p in set {
            for &measure in parts(indicator) {
                if is_stock(measure) {
                    if let Some(month) = self.k.latest(p, w)
                        && let Some(&v) = self.stocks.get(&(p, month))
                    {
                        *expr.entry(v + measure - 4).or_default() += 1.0;
                    }
                } else {
                    for (&(_, mask), &v) in self.flows.range((p, 0)..=(p, u64::MAX)) {
                        if mask & bit != 0 {
                            *expr.entry(v + measure).or_default() += 1.0;
                        }
                    }
                }
            }
        }
        expr
    }

    /// Adds what one export publishes.
    fn publish(&mut self, e: &Export) {
        let year = e.period.div_euclid(12);
        for row in &e.rows {
            if row.status != "F" {
                continue;
            }
            let Some(w) = Win::of(&row.venster, e.period) else {
                continue;
            };
            let set = self.k.members(&row.niveau, &row.regio_code);
            let counted = COUNT_INDICATORS.contains(&row.indicator.as_str());
            if counted && let Some(v) = row.published() {
                let expr = self.expr(&set, w, &row.indicator);
                self.push(expr, Op::Eq, v);
            }
            if row.indicator == "mkb_aandeel_pct" {
                let bed = self.expr(&set, w, "bedrijven");
                let mkb = self.expr(&set, w, "bedrijven_mkb");
                if let Some(x) = row.published() {
                    // 100·mkb / bed ∈ [x − 0.05, x + 0.05], bed ≥ 1.
                    self.push(combine(&mkb, 100.0, &bed, -(x + 0.05)), Op::Le, 0.0);
                    self.push(combine(&mkb, 100.0, &bed, -(x - 0.05)), Op::Ge, 0.0);
                    self.push(bed, Op::Ge, 1.0);
                } else {
                    // Empty when bedrijven is 0.
                    self.push(bed, Op::Eq, 0.0);
                }
            }
            if !counted {
                continue;
            }
            if let (Ok(x), Ok(doel)) = (row.realisatie_pct.parse::<f64>(), row.doel.parse::<f64>())
            {
                // The value over the partnerships with a target for P's year:
                // value / doel × 100 ∈ [x − 0.05, x + 0.05].
                let with_target: Vec<usize> = set
                    .iter()
                    .copied()
                    .filter(|&p| {
                        self.k
                            .targets
                            .contains_key(&(p, year, row.indicator.clone()))
                    })
                    .collect();
                let expr = self.expr(&with_target, w, &row.indicator);
                self.push(expr.clone(), Op::Le, doel * (x + 0.05) / 100.0);
                self.push(expr, Op::Ge, doel * (x - 0.05) / 100.0);
            }
            if let Ok(x) = row.groei_pct.parse::<f64>() {
                // (v − u) / u × 100 ∈ [x − 0.05, x + 0.05], u ≥ 1, where u is
                // the value a year earlier.
                let v = self.expr(&set, w, &row.indicator);
                let u = self.expr(&set, w.year_earlier(), &row.indicator);
                self.push(combine(&v, 100.0, &u, -(100.0 + x + 0.05)), Op::Le, 0.0);
                self.push(combine(&v, 100.0, &u, -(100.0 + x - 0.05)), Op::Ge, 0.0);
                self.push(u, Op::Ge, 1.0);
            }
        }
    }

    /// Maximises `objective` with every variable at most `cap` (infinite:
    /// the cell's own bound); returns the bound and, when there is one, the optimal point (all variables, the
    /// fixed ones included). A finite `cap` only restricts the search: any
    /// point it finds is consistent with everything published.
    pub fn solve(&self, objective: &Expr, cap: f64) -> (Bound, Option<Vec<f64>>) {
        if self.contradiction {
            return (Bound::Infeasible, None);
        }
        let mut constant = 0.0;
        let mut free = Expr::new();
        for (&v, &a) in objective {
            match self.fixed.get(&v) {
                Some(x) => constant += a * x,
                None => {
                    free.insert(v, a);
                }
            }
        }
        let mut problem = Problem::new(OptimizationDirection::Maximize);
        let vars: Vec<_> = (0..self.vars)
            .map(|i| {
                let bounds = match self.fixed.get(&i) {
                    Some(_) => (0.0, 0.0),
                    None => (0.0, cap),
                };
                problem.add_var(free.get(&i).copied().unwrap_or(0.0), bounds)
            })
            .collect();
        for c in &self.constraints {
            let terms: Vec<_> = c.expr.iter().map(|(&i, &a)| (vars[i], a)).collect();
            problem.add_constraint(terms.as_slice(), c.op.solver(), c.rhs);
        }
        match problem.solve() {
            Ok(outcome) => match outcome.into_solution() {
                Ok(solution) => {
                    let point = (0..self.vars)
                        .map(|i| {
                            self.fixed
                                .get(&i)
                                .copied()
                                .unwrap_or_else(|| solution.var_value(vars[i]))
                        })
                        .collect();
                    (Bound::Max(constant + solution.objective()), Some(point))
                }
                Err(_) => (Bound::Failed, None),
            },
            Err(Error::Unbounded) => (Bound::Unbounded, None),
            Err(Error::Infeasible) => (Bound::Infeasible, None),
            Err(_) => (Bound::Failed, None),
        }
    }
}

/// The value of `expr` at `point`.
pub fn at(expr: &Expr, point: &[f64]) -> f64 {
    expr.iter().map(|(&v, &a)| a * point[v]).sum()
}

/// The sum of expressions.
pub fn sum<'a>(exprs: impl Iterator<Item = &'a Expr>) -> Expr {
    let mut out = Expr::new();
    for e in exprs {
        for (&v, &a) in e {
            *out.entry(v).or_default() += a;
        }
    }
    out
}

/// `a·x + b·y` for expressions `x` and `y`.
fn combine(x: &Expr, a: f64, y: &Expr, b: f64) -> Expr {
    let mut out = Expr::new();
    for (&i, &c) in x {
        *out.entry(i).or_default() += a * c;
    }
    for (&i, &c) in y {
        *out.entry(i).or_default() += b * c;
    }
    out
}
