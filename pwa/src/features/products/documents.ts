// The product catalog's GraphQL documents and the shapes it selects.
import type { FieldError } from '@/graphql/types';

export interface CatalogProduct {
  unitCost: string;
  margin: string;
  product: {
    id: string;
    sku: string;
    name: string;
    nameZh: string;
    nameEn: string;
    line: string;
    listPrice: string;
    isActive: boolean;
  };
}

export interface ProductInput {
  sku: string;
  nameZh: string;
  nameEn: string;
  line: string;
  listPrice: string;
  unitCost: string;
  isActive: boolean;
}

export type ProductResult = { __typename: 'ProductSuccess'; item: CatalogProduct } | { __typename: 'OperationError'; errors: FieldError[] };

const ITEM = 'unitCost margin product { id sku name nameZh nameEn line listPrice isActive }';
const ERRORS = '... on OperationError { errors { field code message } }';

export const PRODUCT_CATALOG_QUERY = /* GraphQL */ `
  query ProductCatalog { productCatalog { ${ITEM} } productLines }
`;

export const CREATE_PRODUCT_MUTATION = /* GraphQL */ `
  mutation CreateProduct($input: ProductInput!) {
    createProduct(input: $input) { __typename ... on ProductSuccess { item { ${ITEM} } } ${ERRORS} }
  }
`;

export const UPDATE_PRODUCT_MUTATION = /* GraphQL */ `
  mutation UpdateProduct($id: ID!, $input: ProductInput!) {
    updateProduct(id: $id, input: $input) { __typename ... on ProductSuccess { item { ${ITEM} } } ${ERRORS} }
  }
`;

export const SET_PRODUCT_ACTIVE_MUTATION = /* GraphQL */ `
  mutation SetProductActive($id: ID!, $active: Boolean!) {
    setProductActive(id: $id, active: $active) { __typename ... on ProductSuccess { item { ${ITEM} } } ${ERRORS} }
  }
`;
